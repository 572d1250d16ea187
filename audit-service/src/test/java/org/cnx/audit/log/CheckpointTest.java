package org.cnx.audit.log;

import static io.restassured.RestAssured.given;
import static org.cnx.audit.TestEvents.event;
import static org.cnx.audit.TestEvents.intakeToken;
import static org.cnx.audit.TestEvents.logSize;
import static org.cnx.audit.TestEvents.partnerToken;
import static org.cnx.audit.TestEvents.post;
import static org.cnx.audit.log.LogAssertions.JWKS;
import static org.cnx.audit.log.LogAssertions.LATEST;
import static org.cnx.audit.log.LogAssertions.SIGN;
import static org.cnx.audit.log.LogAssertions.expectedRoot;
import static org.cnx.audit.log.LogAssertions.sign;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.audit.TestEvents;
import org.cnx.audit.TestKeys;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.RsaKeyUtil;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Signed tree heads: what they sign, who may read or request them, when they are produced. */
@QuarkusTest
@QuarkusTestResource(TestKeys.class)
class CheckpointTest {

    @Inject
    DataSource db;

    @Inject
    CheckpointService checkpoints;

    private static long heads(DataSource db) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM tree_head")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aSignedHeadCoversTheWholeLogAndVerifiesWithThePublishedKey() throws Exception {
        post(intakeToken(), List.of(event("intake", "REPORT_RECEIVED"), event("intake", "REPORT_RECEIVED")))
                .then().statusCode(200);
        JsonPath head = sign();
        long size = head.getLong("size");
        assertEquals(logSize(db), size, "a head signed on demand covers every event");
        assertEquals(expectedRoot(db, size), head.getString("root"), "the root of the canonical JSON of events 1..size");

        String jwks = given().get(JWKS).then().statusCode(200).contentType("application/json").extract().asString();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(head.getString("jws"));
        assertEquals("RS256", jws.getAlgorithmHeaderValue());
        assertEquals("cnx-tree-head+jws", jws.getHeader("typ"));
        assertEquals(head.getString("kid"), jws.getKeyIdHeaderValue());
        JsonWebKey key = new JsonWebKeySet(jwks).findJsonWebKey(jws.getKeyIdHeaderValue(), "RSA", "sig", "RS256");
        jws.setKey(key.getKey());
        assertTrue(jws.verifySignature(), "signed with the key published under its kid");
        String thumbprint = PublicJsonWebKey.Factory.newPublicJwk(new RsaKeyUtil().fromPemEncoded(
                Files.readString(TestKeys.publicKey("audit")))).calculateBase64urlEncodedThumbprint("SHA-256");
        assertEquals(thumbprint, jws.getKeyIdHeaderValue(), "kid is the RFC 7638 thumbprint of audit's key");

        Map<?, ?> payload = new ObjectMapper().readValue(jws.getPayload(), Map.class);
        assertEquals(Map.of("size", (int) size, "root", head.getString("root"), "timestamp", head.getString("timestamp")),
                payload);
        Instant signedAt = Instant.parse(head.getString("timestamp"));
        assertTrue(Duration.between(signedAt, Instant.now()).abs().toSeconds() < 60, "timestamp is now, in UTC");
    }

    /** A 405 says which methods the path takes (RFC 9110 says it must): it said only that this one was wrong. */
    @Test
    void aMethodThePathDoesNotTakeIsA405NamingThoseItDoes() {
        given().header("Authorization", "Bearer " + partnerToken("CN-NNCC")).delete(LATEST).then().statusCode(405)
                .contentType("application/problem+json").header("Allow", equalTo("GET, HEAD, OPTIONS"));
        given().header("Authorization", "Bearer " + intakeToken()).get(SIGN).then().statusCode(405)
                .header("Allow", equalTo("OPTIONS, POST"));
    }

    @Test
    void anUnchangedLogKeepsItsHeadAndAGrownOneGetsANewOne() {
        JsonPath first = sign();
        assertEquals(first.getString("jws"), sign().getString("jws"), "nothing appended, nothing new to sign");
        given().header("Authorization", "Bearer " + partnerToken("CN-NNCC")).get(LATEST).then().statusCode(200)
                .body("jws", equalTo(first.getString("jws")));

        post(intakeToken(), List.of(event("intake", "REPORT_RECEIVED"))).then().statusCode(200);
        JsonPath second = sign();
        assertEquals(first.getLong("size") + 1, second.getLong("size"));
        assertNotEquals(first.getString("root"), second.getString("root"));
    }

    @Test
    void thePeriodicSignerSignsOnlyWhenTheLogGrew() throws Exception {
        checkpoints.periodic();
        long before = heads(db);
        checkpoints.periodic();
        assertEquals(before, heads(db), "no new head for an unchanged log");

        post(intakeToken(), List.of(event("intake", "REPORT_RECEIVED"))).then().statusCode(200);
        checkpoints.periodic();
        assertEquals(before + 1, heads(db));
        assertEquals(logSize(db), checkpoints.latest().orElseThrow().size());
    }

    @Test
    void partnersAndAuditorsReadHeadsOnlyAuditorsRequestThem() {
        given().header("Authorization", "Bearer " + partnerToken("US-CBP")).get(LATEST).then().statusCode(200);
        given().header("Authorization", "Bearer " + TestEvents.auditorToken("a")).get(LATEST).then().statusCode(200);
        given().get(LATEST).then().statusCode(401);
        given().header("Authorization", "Bearer " + TestEvents.sharingToken()).get(LATEST).then().statusCode(403);
        given().header("Authorization", "Bearer " + org.cnx.audit.TestTokens.person("liaison-officer", "CN-NNCC", "CN"))
                .get(LATEST).then().statusCode(403).contentType("application/problem+json");
        given().header("Authorization", "Bearer " + partnerToken("US-CBP")).post(SIGN).then().statusCode(403);
    }

    @Test
    void theJwksIsPublicAndHoldsOnlyPublicKeys() {
        JsonPath jwks = given().get(JWKS).then().statusCode(200).extract().jsonPath();
        assertEquals(1, jwks.getList("keys").size());
        assertEquals("RSA", jwks.getString("keys[0].kty"));
        assertEquals("RS256", jwks.getString("keys[0].alg"));
        assertEquals("sig", jwks.getString("keys[0].use"));
        assertFalse(jwks.getMap("keys[0]").containsKey("d"), "no private exponent");
        assertFalse(jwks.getMap("keys[0]").containsKey("p"));
    }
}
