package org.cnx.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JWT's share of intake's CPU, from collapsed stacks shaped like those async-profiler wrote of intake during I. */
class CpuProfileTest {

    private static final String EVENT_LOOP = "java/lang/Thread.run;io/netty/util/concurrent/FastThreadLocalRunnable.run;"
            + "io/vertx/ext/web/impl/RoutingContextImpl.next;"
            + "io/quarkus/vertx/http/runtime/security/HttpSecurityRecorder$AuthenticationHandler.handle;"
            + "io/quarkus/vertx/http/runtime/security/HttpAuthenticator.attemptAuthentication;"
            + "io/quarkus/smallrye/jwt/runtime/auth/JWTAuthMechanism.authenticate;"
            + "io/quarkus/smallrye/jwt/runtime/auth/MpJwtValidator.createSecurityIdentity;";

    @TempDir
    Path dir;

    @Test
    void countsTheTokensParseAndCheckButNotTheRequestQuarkusRunsInTheSameStackOnceTheIdentityIsReady() throws Exception {
        Path collapsed = dir.resolve("intake.collapsed");
        Files.writeString(collapsed, String.join("\n",
                // the token: the service's parser and its cache of verified tokens
                EVENT_LOOP + "org/cnx/intake/security/MultiIssuerJwtParser.parse;"
                        + "org/cnx/intake/security/VerifiedTokens.get;java/util/concurrent/ConcurrentHashMap.get 7",
                // the identity is ready: the authorizer and the route's next handler run the request in the same stack
                EVENT_LOOP + "io/quarkus/smallrye/jwt/runtime/auth/MpJwtValidator$1.accept;"
                        + "io/quarkus/vertx/http/runtime/security/AbstractHttpAuthorizer$1.accept;"
                        + "io/vertx/ext/web/impl/RoutingContextImpl.next;"
                        + "org/jboss/resteasy/reactive/server/handlers/RestInitialHandler.beginProcessing 20",
                // the request on a worker thread, reading the token's claims: the request's, not authentication
                "java/lang/Thread.run;org/jboss/resteasy/reactive/common/core/AbstractResteasyReactiveContext.run;"
                        + "org/cnx/intake/report/ReportResource.submit;"
                        + "io/quarkus/smallrye/jwt/runtime/auth/JwtPrincipalProducer.currentJWTPrincipalOrNull 3",
                // the JIT, native
                "start_thread;thread_native_entry;CompileBroker::compiler_thread_loop 70"));

        Map<String, Object> share = CpuProfile.authenticationShare(collapsed);

        assertEquals(100L, share.get("samples"));
        assertEquals(7L, share.get("authenticationSamples"));
        assertEquals(0.07, share.get("share"));
    }

    @Test
    void anEmptyProfileHasNoShare() throws Exception {
        Path collapsed = Files.writeString(dir.resolve("empty.collapsed"), "");

        Map<String, Object> share = CpuProfile.authenticationShare(collapsed);

        assertEquals(0L, share.get("samples"));
        assertEquals(Double.NaN, share.get("share"));
    }
}
