package org.cnx.sharing.release;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.sharing.audit.AuditTrail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * An officer's view of a release is one moment's: its payload loads in a statement after the one that reads its
 * payloadSha256, rule and status, and a change re-forming the release that commits between the two must not show the
 * new payload beside the old hash (an officer checking the hash would distrust the page, and approve with the wrong
 * one).
 */
@QuarkusTest
class ReleaseSnapshotTest {

    private static final String COUNTRY = "ZS";
    private static final String REPORT = UUID.randomUUID().toString();
    private static final String OLD = "{\"form\":\"before the change\"}";
    private static final String NEW = "{\"form\":\"after the change\",\"subjects\":[]}";

    @Inject
    ReleaseRepository releases;

    @Inject
    DataSource dataSource;

    @AfterEach
    void removeTheRows() throws SQLException {
        update("DELETE FROM release WHERE origin_country = ?", COUNTRY);
        update("DELETE FROM shared_report WHERE id = ?::uuid", REPORT);
    }

    @Test
    void aReleaseReFormedWhileAnOfficerReadsItIsShownAsItWasWhenTheReadBegan() throws Exception {
        UUID id = UUID.randomUUID();
        update("INSERT INTO shared_report (id, agency, country, tlp, type, received_at, body) "
                + "VALUES (?::uuid, 'ZS-AG', '" + COUNTRY + "', 'AMBER', 'SEIZURE', now(), '{}')", REPORT);
        update("INSERT INTO release (id, report_id, partner, origin_agency, origin_country, action, status, "
                + "required_approvals, rule, reasons, redaction, withheld, payload, payload_sha256, decided_at) "
                + "VALUES (?::uuid, ?::uuid, 'ZS-P', 'ZS-AG', '" + COUNTRY + "', 'APPROVE', "
                + "'PENDING_APPROVAL', 1, 'old-rule', '[]', 'old-profile', '[]', ?, ?, now())",
                id.toString(), REPORT, OLD, AuditTrail.sha256(OLD));

        List<String> seen = releases.snapshot(() -> {
            Release release = releases.findById(id);
            String hash = release.payloadSha256;
            String rule = release.rule;
            // the change commits from another connection after the officer's first statement
            CompletableFuture.runAsync(() -> update("UPDATE release SET payload = ?, payload_sha256 = ?, "
                    + "rule = 'new-rule' WHERE id = ?::uuid", NEW, AuditTrail.sha256(NEW), id.toString()))
                    .orTimeout(10, TimeUnit.SECONDS).join();
            return List.of(hash, rule, release.payload);
        });

        assertEquals(List.of(AuditTrail.sha256(OLD), "old-rule", OLD), seen,
                "the payload shown beside the hash and rule read before the change");
        assertEquals(List.of(AuditTrail.sha256(NEW), "new-rule", NEW), releases.snapshot(() -> {
            Release release = releases.findById(id);
            return List.of(release.payloadSha256, release.rule, release.payload);
        }), "the next read shows the change");
    }

    private void update(String sql, String... values) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
