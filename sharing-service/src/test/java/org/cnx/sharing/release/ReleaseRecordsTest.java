package org.cnx.sharing.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.cnx.sharing.redaction.RedactionOp;
import org.cnx.sharing.report.IncomingReport;
import org.cnx.sharing.watchlist.Watchlist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What a record says beside the report keeps to the report's redaction. */
class ReleaseRecordsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ReleaseRecords records = new ReleaseRecords(JSON, new Watchlist(JSON, "watchlist.json"));

    private static IncomingReport report() throws Exception {
        return new IncomingReport(UUID.randomUUID(), "CN-GACC", "CN", Instant.parse("2026-11-20T09:00:00.123456Z"),
                List.of("ANPP"), JSON.readTree("""
                        {"type":"PRECURSOR_SHIPMENT","tlp":"AMBER","title":"t","occurredAt":"2026-11-20T08:00:00Z",
                         "substances":[{"name":"4-anilino-N-phenethylpiperidine","casNumber":"21409-26-7",
                                        "quantity":25}]}"""));
    }

    /** A CN-GACC seizure of {@code substances} (a JSON array), in which intake counted the hit {@code hit}. */
    private static IncomingReport seizure(String hit, String substances) throws Exception {
        return new IncomingReport(UUID.randomUUID(), "CN-GACC", "CN", Instant.now(), List.of(hit), JSON.readTree(
                "{\"type\":\"SEIZURE\",\"tlp\":\"AMBER\",\"title\":\"t\",\"substances\":" + substances + "}"));
    }

    private JsonNode record(List<RedactionOp> profile) throws Exception {
        return JSON.readTree(records.prepare(report(), "US-CBP", profile).payload());
    }

    @Test
    void nothingWithheldLeavesTheReceiptTimeAndTheHitsAsTheyAre() throws Exception {
        JsonNode record = record(List.of());
        assertEquals("2026-11-20T09:00:00.123456Z", record.path("receivedAt").asText());
        assertEquals("[\"ANPP\"]", record.path("watchlistHits").toString());
    }

    /** The event's time generalised to the day, but intake's receipt an hour later went out to the microsecond. */
    @Test
    void theReportsTimeWithheldLeavesOnlyTheDayOfItsReceipt() throws Exception {
        JsonNode record = record(List.of(new RedactionOp("/occurredAt", "generalise", null, "day", null)));
        assertEquals("2026-11-20", record.path("report").path("occurredAt").asText());
        assertEquals("2026-11-20", record.path("receivedAt").asText());
    }

    /**
     * A report without a time of its own, under a profile that keeps a report's time to the day: intake's receipt
     * went out to the microsecond (nothing was withheld, so the manifest named no time), and timed the event.
     */
    @Test
    void aProfileThatKeepsTheTimeToTheDayDoesSoForAReportWithoutOne() throws Exception {
        IncomingReport untimed = new IncomingReport(UUID.randomUUID(), "CN-GACC", "CN",
                Instant.parse("2026-11-20T09:00:00.123456Z"), List.of(), JSON.readTree("""
                        {"type":"SEIZURE","tlp":"AMBER","title":"t"}"""));
        for (String op : List.of("generalise", "drop")) {
            JsonNode record = JSON.readTree(records.prepare(untimed, "US-CBP", List.of(new RedactionOp("/occurredAt",
                    op, null, "generalise".equals(op) ? "day" : null, null))).payload());
            assertEquals("2026-11-20", record.path("receivedAt").asText(), op);
        }
    }

    /** A profile that hides which precursor a report is about: the hits would have named it. */
    @ParameterizedTest
    @ValueSource(strings = { "/substances", "/substances/*/name", "/substances/*/casNumber" })
    void aSubstancesNameWithheldWithholdsTheHits(String path) throws Exception {
        JsonNode record = record(List.of(new RedactionOp(path, "drop", null, null, null)));
        assertFalse(record.has("watchlistHits"), record.toString());
        assertFalse(record.toString().contains("ANPP"), record.toString());
    }

    @Test
    void whatTheWatchListDoesNotMatchByWithheldLeavesTheHits() throws Exception {
        JsonNode record = record(List.of(new RedactionOp("/substances/*/quantity", "drop", null, null, null),
                new RedactionOp("/title", "drop", null, null, null)));
        assertEquals("[\"ANPP\"]", record.path("watchlistHits").toString());
        assertEquals("[{\"path\":\"/substances/0/quantity\",\"op\":\"drop\"},{\"path\":\"/title\",\"op\":\"drop\"}]",
                record.path("withheld").toString());
    }

    /**
     * A step for a watch-list precursor drops it however the report writes it: a step {@code where name = ANPP} missed
     * {@code 4-ANPP}, one {@code where casNumber = 21409-26-7} missed {@code 021409-26-7}, both of which intake counted
     * as the hit ANPP, and the record went out with the substance and {@code watchlistHits: ["ANPP"]}.
     */
    @Test
    void aStepForAPrecursorDropsItHoweverTheReportWritesIt() throws Exception {
        IncomingReport written = seizure("ANPP", """
                [{"name":"4-ANPP","quantity":25},{"casNumber":"021409-26-7","quantity":5},
                 {"name":"acetone","casNumber":"0067-64-1","quantity":1}]""");
        List<RedactionOp> noAnpp = List.of(RedactionOp.drop("/substances", Map.of("name", "ANPP")),
                RedactionOp.drop("/substances", Map.of("casNumber", "21409-26-7")));
        JsonNode record = JSON.readTree(records.prepare(written, "US-CBP", noAnpp).payload());
        assertEquals(List.of("acetone"), record.path("report").path("substances").findValuesAsText("name"));
        assertTrue(record.path("watchlistHits").isMissingNode(), record.toString());
        // another substance's number, zero-padded, is that substance: a step naming it without the zero drops it
        JsonNode acetone = JSON.readTree(records.prepare(written, "US-CBP",
                List.of(RedactionOp.drop("/substances", Map.of("casNumber", "67-64-1")))).payload());
        assertEquals(List.of("4-ANPP"), acetone.path("report").path("substances").findValuesAsText("name"));
        assertEquals(2, acetone.path("report").path("substances").size());
    }

    /**
     * A Chinese report names a precursor as the PRC's catalogue does, beside its short name in brackets, or with an
     * invisible character pasted in: a step for the precursor drops each, as intake counts each a hit.
     */
    @Test
    void aStepForAPrecursorDropsItAsAChineseReportWritesIt() throws Exception {
        IncomingReport written = seizure("NPP", """
                [{"name":"N-苯乙基-4-哌啶酮","quantity":25},{"name":"某化学品（NPP）","quantity":5},
                 {"name":"N\u200bPP","quantity":2},{"name":"丙酮","quantity":1}]""");
        JsonNode record = JSON.readTree(records.prepare(written, "US-CBP",
                List.of(RedactionOp.drop("/substances", Map.of("name", "NPP")))).payload());
        assertEquals(List.of("丙酮"), record.path("report").path("substances").findValuesAsText("name"));
    }
}
