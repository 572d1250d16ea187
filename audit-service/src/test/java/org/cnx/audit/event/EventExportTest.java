package org.cnx.audit.event;

import static io.restassured.RestAssured.given;
import static org.cnx.audit.TestEvents.EVENTS;
import static org.cnx.audit.TestEvents.auditorToken;
import static org.cnx.audit.TestEvents.intakeToken;
import static org.cnx.audit.TestEvents.partnerToken;
import static org.cnx.audit.TestEvents.post;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.audit.TestDb;
import org.cnx.audit.TestEvents;
import org.cnx.audit.TestKeys;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** {@code GET /api/v1/events/export}: the list's filter, streamed whole as CSV or NDJSON, and itself audited. */
@QuarkusTest
@QuarkusTestResource(TestKeys.class)
class EventExportTest {

    private static final String EXPORT = EVENTS + "/export";

    private final String auditor = auditorToken("auditor-export-test");

    /** Seven events of one agency (more than a fetch in tests), one tricky to put into CSV, and one of another. */
    private static List<Map<String, Object>> events(String agency) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Map<String, Object> e = TestEvents.event("intake", i % 2 == 0 ? "REPORT_RECEIVED" : "REPORT_REJECTED");
            e.put("actor", Map.of("sub", "system-" + i, "agency", agency));
            e.put("outcome", i % 2 == 0 ? "SUCCESS" : "FAILURE");
            events.add(e);
        }
        Map<String, Object> tricky = events.get(6);
        tricky.put("actor", Map.of("sub", "=HYPERLINK(\"http://evil\")", "agency", agency, "roles", List.of("partner")));
        tricky.put("subject", Map.of("reportId", UUID.randomUUID().toString(), "partner", agency));
        tricky.put("details", Map.of("title", "Shipment, \"urgent\"\nsecond line"));
        Map<String, Object> other = TestEvents.event("intake", "REPORT_RECEIVED");
        other.put("actor", Map.of("sub", "x", "agency", agency + "-other"));
        events.add(other);
        return events;
    }

    private Response export(String query) {
        return given().header("Authorization", "Bearer " + auditor).get(EXPORT + "?" + query);
    }

    @Inject
    EventExporter exporter;

    @Inject
    DataSource db;

    /** As the superuser: the event's action, in its leaf and its column, {@code from} → {@code to}. */
    private static void relabel(String eventId, String from, String to) {
        TestDb.tamper(s -> assertEquals(1, s.executeUpdate("UPDATE audit_event SET action = '" + to + "', canonical = "
                + "replace(canonical, '\"action\":\"" + from + "\"', '\"action\":\"" + to + "\"') WHERE event_id = '"
                + UUID.fromString(eventId) + "' AND canonical LIKE '%\"action\":\"" + from + "\"%'")));
    }

    /**
     * A replica on the code before an action was added meets, during the rolling upgrade that brings it, the events
     * the upgraded one logged with it: its list and its exports show them as logged. They were a 500 (the row did not
     * load), and an export cut off where it met one.
     */
    @Test
    void anActionANewerVersionLoggedIsShownAsLogged() {
        String agency = "N-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> event = TestEvents.event("intake", "REPORT_RECEIVED");
        event.put("actor", Map.of("sub", "system", "agency", agency));
        Map<String, Object> next = TestEvents.event("intake", "REPORT_RECEIVED");
        next.put("actor", Map.of("sub", "system", "agency", agency));
        post(intakeToken(), List.of(event, next)).then().statusCode(200);
        String id = (String) event.get("eventId");
        relabel(id, "REPORT_RECEIVED", "REPORT_AMENDED"); // what a newer version logged
        try {
            given().header("Authorization", "Bearer " + auditor).get(EVENTS + "?agency=" + agency).then()
                    .statusCode(200).body("items.action", org.hamcrest.Matchers.contains("REPORT_AMENDED",
                            "REPORT_RECEIVED"))
                    .body("items[0].eventId", org.hamcrest.Matchers.equalTo(id))
                    .body("items[0].leaf", containsString("\"action\":\"REPORT_AMENDED\""));
            String[] ndjson = export("format=ndjson&agency=" + agency).then().statusCode(200).extract().asString()
                    .split("\n");
            assertEquals(2, ndjson.length, String.join("\n", ndjson));
            assertEquals("REPORT_AMENDED", JsonPath.from(ndjson[0]).getString("action"));
            String csv = export("format=csv&agency=" + agency).then().statusCode(200).extract().asString();
            assertEquals(3, csv.split("\r?\n").length, csv);
            assertTrue(csv.contains("," + id + ",") && csv.contains(",REPORT_AMENDED,"), csv);
        } finally {
            relabel(id, "REPORT_AMENDED", "REPORT_RECEIVED");
        }
    }

    /**
     * An export streamed from one cursor held its connection and transaction until the client had read the last
     * byte: twenty exports to clients that read slowly, or stalled, took the pool, and appends and receipts waited.
     * Each chunk is now read in a transaction that has ended when it is written to the client.
     */
    @Test
    void noTransactionIsOpenWhileTheExportIsWrittenToTheClient() throws Exception {
        String agency = "S-" + UUID.randomUUID().toString().substring(0, 8);
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Map<String, Object> e = TestEvents.event("intake", "REPORT_RECEIVED");
            e.put("actor", Map.of("sub", "system-" + i, "agency", agency));
            e.put("details", Map.of("note", "x".repeat(400)));
            many.add(e);
        }
        post(intakeToken(), many).then().statusCode(200);
        List<Long> openWhileWriting = new ArrayList<>();
        OutputStream client = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (!openWhileWriting.isEmpty()) {
                    return;
                }
                try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
                    openWhileWriting.add(TestDb.queryLong(st, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                            + "current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%' "
                            + "AND query LIKE '%FROM audit_event WHERE seq%'"));
                } catch (SQLException e) {
                    throw new IOException(e);
                }
            }
        };
        exporter.export(new EventFilter(null, null, null, agency, null, null, null, null, null, 0), ExportFormat.NDJSON,
                new Auditor("auditor-export-test")).write(client);

        assertEquals(List.of(0L), openWhileWriting, "the export's reads had ended when it wrote");
    }

    /** The auditor the export is logged for. */
    private record Auditor(String getName) implements JsonWebToken {
        @Override
        public Set<String> getClaimNames() {
            return Set.of("sub", "groups");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getClaim(String claimName) {
            return (T) switch (claimName) {
                case "sub" -> getName;
                case "groups" -> Set.of("auditor");
                default -> null;
            };
        }
    }

    @Test
    void ndjsonHasOneListItemPerLineForTheWholeFilter() throws Exception {
        String agency = "X-" + UUID.randomUUID().toString().substring(0, 8);
        List<Map<String, Object>> events = events(agency);
        post(intakeToken(), events).then().statusCode(200);

        Response response = export("format=ndjson&agency=" + agency);
        response.then().statusCode(200).contentType("application/x-ndjson")
                .header("Content-Disposition", containsString("audit-events.ndjson"));
        String[] lines = response.asString().split("\n");
        assertEquals(7, lines.length, "all seven, unpaged, and not the other agency's");
        ObjectMapper json = new ObjectMapper();
        JsonPath listed = given().header("Authorization", "Bearer " + auditor).get(EVENTS + "?limit=100&agency=" + agency)
                .then().statusCode(200).extract().jsonPath();
        for (int i = 0; i < lines.length; i++) {
            JsonNode line = json.readTree(lines[i]);
            assertEquals(events.get(i).get("eventId"), line.get("eventId").asText(), "seq order");
            assertEquals(json.valueToTree(listed.getMap("items[" + i + "]")), line, "the same as the list's item");
        }
        assertEquals(4, export("format=ndjson&outcome=SUCCESS&agency=" + agency).asString().split("\n").length);
        String[] forPartner = export("format=ndjson&partner=" + agency).asString().split("\n");
        assertEquals(1, forPartner.length);
        assertEquals(events.get(6).get("eventId"), json.readTree(forPartner[0]).get("eventId").asText());
    }

    @Test
    void csvHasAHeaderQuotesWhatNeedsItAndDefusesFormulas() {
        String agency = "Y-" + UUID.randomUUID().toString().substring(0, 8);
        List<Map<String, Object>> events = events(agency);
        post(intakeToken(), events).then().statusCode(200);

        Response response = export("format=csv&agency=" + agency + "&action=REPORT_RECEIVED");
        response.then().statusCode(200).contentType(containsString("text/csv"));
        String body = response.asString();
        String[] lines = body.split("\r\n");
        assertEquals(String.join(",", EventExporter.CSV_COLUMNS), lines[0]);
        assertTrue(body.endsWith("\r\n"));
        assertTrue(lines[1].contains("," + events.get(0).get("eventId") + ","), lines[1]);
        assertTrue(lines[1].contains(",REPORT_RECEIVED,system-0," + agency + ",,"), lines[1]);
        String tricky = body.substring(body.indexOf(events.get(6).get("eventId").toString()));
        assertTrue(tricky.contains(",\"'=HYPERLINK(\"\"http://evil\"\")\"," + agency + ",\"[\"\"partner\"\"]\","), tricky);
        assertTrue(tricky.contains("\"{\"\"title\"\":\"\"Shipment, \\\"\"urgent\\\"\"\\nsecond line\"\"}\""), tricky);
        assertEquals(1 + 4, body.split("\r\n").length, "header and the four REPORT_RECEIVED events");
    }

    @Test
    void theExportIsLoggedWithItsFormatAndFilter() {
        String sub = "auditor-export-" + UUID.randomUUID();
        given().header("Authorization", "Bearer " + auditorToken(sub)).get(EXPORT + "?format=csv&outcome=DENIED")
                .then().statusCode(200);
        JsonPath logged = given().header("Authorization", "Bearer " + auditorToken(sub))
                .get(EVENTS + "?action=AUDIT_QUERIED&actor=" + sub).then().statusCode(200).extract().jsonPath();
        assertEquals(1, logged.getList("items").size());
        assertEquals(Map.of("query", "export", "format", "csv", "outcome", "DENIED"), logged.getMap("items[0].details"));
    }

    @Test
    void badRequestsAreProblemsAndOnlyAuditorsExport() {
        for (String query : List.of("format=xml", "limit=5", "format=csv&from=yesterday", "format=ndjson&action=NOPE")) {
            export(query).then().statusCode(400).contentType("application/problem+json");
        }
        given().header("Authorization", "Bearer " + partnerToken("US-CBP")).get(EXPORT + "?format=csv")
                .then().statusCode(403);
        given().get(EXPORT + "?format=csv").then().statusCode(401);
    }
}
