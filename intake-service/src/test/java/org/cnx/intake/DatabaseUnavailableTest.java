package org.cnx.intake;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The database refusing writes (a standby after a fail-over, its connections lost meanwhile): a partner's report was
 * a 500 "has been logged" for the whole incident, read as a bug of the service's, not as "send it again". Made so here
 * by the database's own setting for new sessions, with every open one ended and the pool renewed, so that the
 * request runs on a session that refuses writes (25006); put back the same way.
 */
@QuarkusTest
@QuarkusTestResource(FakePeers.class)
class DatabaseUnavailableTest {

    private static final String CN_GACC = TestTokens.person("partner", "CN-GACC", "CN");

    @Inject
    AgroalDataSource pool;

    @Test
    void aDatabaseThatRefusesWritesIsA503ToSendAgainAndTheServiceRecoversOnItsOwn() throws SQLException {
        String ref = "DB-DOWN-" + UUID.randomUUID();
        try {
            readOnly(true);
            pool.flush(AgroalDataSource.FlushMode.GRACEFUL); // the request on a new session, one the database refuses
            given().auth().oauth2(CN_GACC).contentType("application/json").body(Bodies.founding(ref))
                    .post("/api/v1/reports").then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", "5")
                    .body("type", equalTo("https://cnx.example/problems/database-unavailable"))
                    .body("detail", equalTo("The service's database cannot complete requests at the moment "
                            + "(unreachable, or refusing writes); send it again shortly: a report sent again with "
                            + "the same Idempotency-Key or externalRef is not filed twice."));
        } finally {
            readOnly(false);
        }
        assertEquals(0, count(ref), "nothing was filed");
        // sent again, as the 503 says, until the pool has let go of the connections the database ended
        await().atMost(Duration.ofSeconds(20)).until(() -> given().auth().oauth2(CN_GACC)
                .contentType("application/json").body(Bodies.founding(ref)).post("/api/v1/reports").statusCode(),
                status -> status == 201);
        assertEquals(1, count(ref));
    }

    /** The connections the database ended are not left in the pool for the next test class's first requests. */
    @AfterEach
    void renewThePool() {
        pool.flush(AgroalDataSource.FlushMode.GRACEFUL);
    }

    /** A run that stopped while the database was read-only leaves it so: put back first. */
    @BeforeAll
    static void writable() throws SQLException {
        readOnly(false);
    }

    /** New sessions read-only (or not), and every session of the service's role but this one ended. */
    private static void readOnly(boolean on) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            // in a transaction of its own that may write: this session began while the setting was on
            s.execute("BEGIN READ WRITE");
            s.execute("ALTER DATABASE intake_test " + (on ? "SET default_transaction_read_only = on"
                    : "RESET default_transaction_read_only"));
            s.execute("COMMIT");
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'intake_test' "
                    + "AND usename = current_user AND pid <> pg_backend_pid()");
        }
    }

    private static long count(String ref) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM report WHERE external_ref = '" + ref + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A connection of its own, outside the service's pool. */
    private static Connection connect() throws SQLException {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
    }
}
