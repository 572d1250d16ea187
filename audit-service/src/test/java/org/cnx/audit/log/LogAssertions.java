package org.cnx.audit.log;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import javax.sql.DataSource;

import org.cnx.audit.TestEvents;
import org.cnx.audit.merkle.Merkle;

import io.restassured.path.json.JsonPath;

/** Recomputes what the log should say from the stored canonical JSON, independently of the service's code paths. */
final class LogAssertions {

    static final String SIGN = "/api/v1/log/checkpoints";
    static final String LATEST = "/api/v1/log/checkpoints/latest";
    static final String VERIFY = "/api/v1/log/verification";
    static final String INCLUSION = "/api/v1/log/proofs/inclusion";
    static final String CONSISTENCY = "/api/v1/log/proofs/consistency";
    static final String JWKS = "/.well-known/jwks.json";
    static final HexFormat HEX = HexFormat.of();

    private LogAssertions() {
    }

    /** SHA-256(0x00 ‖ canonical) of events 1..size, from the canonical column. */
    static List<byte[]> leafHashes(DataSource db, long size) {
        List<byte[]> leaves = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT canonical FROM audit_event WHERE seq <= ? ORDER BY seq")) {
            s.setLong(1, size);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    MessageDigest sha = Merkle.sha256();
                    sha.update((byte) 0);
                    leaves.add(sha.digest(rs.getString(1).getBytes(StandardCharsets.UTF_8)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return leaves;
    }

    static String expectedRoot(DataSource db, long size) {
        return HEX.formatHex(Merkle.root(Merkle.of(leafHashes(db, size)), size));
    }

    static long seqOf(DataSource db, Object eventId) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT seq FROM audit_event WHERE event_id = ?::uuid")) {
            s.setString(1, eventId.toString());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A tree head signed now, through the auditors' API. */
    static JsonPath sign() {
        return given().header("Authorization", "Bearer " + TestEvents.auditorToken("auditor-log-test"))
                .post(SIGN).then().statusCode(200).extract().jsonPath();
    }

    static JsonPath verify() {
        return given().header("Authorization", "Bearer " + TestEvents.auditorToken("auditor-log-test"))
                .get(VERIFY).then().statusCode(200).extract().jsonPath();
    }

    static List<byte[]> hashes(List<String> hex) {
        return hex.stream().map(HEX::parseHex).toList();
    }
}
