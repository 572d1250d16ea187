package org.cnx.intake.problem;

import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A compressed body is refused as such (RFC 9110, 15.5.16) on the endpoints marked {@link Uncompressed}: read as it
 * came, a withdrawal's gzip header answered 400 "Illegal character ((CTRL-CHAR, code 31))", which sent a partner
 * looking for a fault in JSON that had none.
 */
public class ContentEncodings {

    @ServerRequestFilter
    @Uncompressed
    public void refuse(HttpHeaders headers) {
        check(headers.getHeaderString(HttpHeaders.CONTENT_ENCODING), "body");
    }

    /**
     * Refuses a {@code Content-Encoding} other than none or {@code identity} with a 415 that says to send the
     * {@code what} uncompressed; also where report submission reads its bytes itself, and audits the refusal.
     */
    public static void check(String coding, String what) {
        if (coding != null && !coding.isBlank() && !"identity".equalsIgnoreCase(coding.strip())) {
            throw new ProblemException(415, "unsupported-content-encoding", "Unsupported Media Type",
                    "Content-Encoding " + coding.strip() + " is not accepted: send the " + what + " uncompressed.");
        }
    }
}
