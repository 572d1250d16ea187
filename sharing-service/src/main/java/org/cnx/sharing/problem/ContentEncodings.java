package org.cnx.sharing.problem;

import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A compressed body is refused as such (RFC 9110, 15.5.16), on every endpoint: read as it came, a gzip header
 * answered 400 "Illegal character ((CTRL-CHAR, code 31))", which sent an admin publishing a policy or an officer
 * approving a release looking for a fault in JSON that had none.
 */
public class ContentEncodings {

    @ServerRequestFilter
    public void refuse(HttpHeaders headers) {
        String coding = headers.getHeaderString(HttpHeaders.CONTENT_ENCODING);
        if (coding != null && !coding.isBlank() && !"identity".equalsIgnoreCase(coding.strip())) {
            throw new ProblemException(415, "unsupported-content-encoding", "Unsupported Media Type",
                    "Content-Encoding " + coding.strip() + " is not accepted: send the body uncompressed.");
        }
    }
}
