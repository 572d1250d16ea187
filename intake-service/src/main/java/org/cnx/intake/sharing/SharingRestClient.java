package org.cnx.intake.sharing;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

@RegisterRestClient(configKey = "sharing")
@Path("/internal/v1")
interface SharingRestClient {

    @POST
    @Path("/reports")
    @Consumes(MediaType.APPLICATION_JSON)
    void reports(@HeaderParam(HttpHeaders.AUTHORIZATION) String bearer, String jsonArray);

    @POST
    @Path("/recalls")
    @Consumes(MediaType.APPLICATION_JSON)
    void recalls(@HeaderParam(HttpHeaders.AUTHORIZATION) String bearer, String jsonArray);
}
