package org.cnx.intake.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.intake.FakePeers;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A key reused after it expired, while the hourly clean-up deletes the expired record. */
@QuarkusTest
@QuarkusTestResource(FakePeers.class)
class IdempotencyKeysTest {

    @Inject
    IdempotencyKeys keys;

    @Inject
    DataSource dataSource;

    @Test
    void aKeyReusedAsTheCleanUpDeletesItsExpiredRecordIsRememberedAnew() throws Exception {
        String agency = "CN-T" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String key = "ref-" + UUID.randomUUID();
        execute("INSERT INTO idempotency_key (agency, idempotency_key, fingerprint, report_id, response_status, "
                + "response_body, created_at, expires_at) VALUES ('" + agency + "', '" + key + "', 'old', '"
                + UUID.randomUUID() + "', 201, '{}', now() - interval '2 days', now() - interval '1 day')");
        UUID report = UUID.randomUUID();

        QuarkusTransaction.requiringNew().run(() -> {
            assertTrue(keys.find(agency, key).isEmpty(), "expired: as if never used");
            // the clean-up, in its own transaction, between the submission's read and its write
            CompletableFuture.runAsync(() -> execute("DELETE FROM idempotency_key WHERE expires_at < now() "
                    + "AND agency = '" + agency + "'")).join();
            keys.remember(agency, key, "new", report, 201, "{\"id\":\"" + report + "\"}");
        });

        assertEquals("new " + report, query("SELECT fingerprint || ' ' || report_id FROM idempotency_key "
                + "WHERE agency = '" + agency + "'"));
    }

    private void execute(String sql) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String query(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
