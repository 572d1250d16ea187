package org.cnx.sharing.audit;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

@RegisterRestClient(configKey = "audit")
@Path("/internal/v1/events")
interface AuditRestClient {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    void append(@HeaderParam(HttpHeaders.AUTHORIZATION) String bearer, String jsonArray);
}
