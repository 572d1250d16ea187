package org.cnx.demopartner;

import java.net.URI;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem document. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(URI type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
