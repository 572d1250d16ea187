package org.cnx.sharing.watchlist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The dry run's watch list matches a report's substances as intake's does (its WatchlistTest's cases). */
class WatchlistTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Watchlist watchlist = new Watchlist(JSON, "watchlist.json");

    private List<String> hits(String substances) throws Exception {
        JsonNode report = JSON.readTree("{\"substances\":" + substances + "}");
        return watchlist.hits(report);
    }

    @Test
    void aSubstanceMatchesByCasNumberEvenZeroPaddedOrByNameOrSynonymAsWritten() throws Exception {
        assertEquals(List.of("ANPP"), hits("[{\"casNumber\":\"21409-26-7\"}]"));
        assertEquals(List.of("fentanyl"), hits("[{\"casNumber\":\"0437-38-7\"}]"));
        // a full-width dash and letters, as a Chinese input method writes them; a no-break space; case
        assertEquals(List.of("ANPP"), hits("[{\"name\":\"4\uff0dＡＮＰＰ\"}]"));
        assertEquals(List.of("ANPP"), hits("[{\"name\":\"despropionyl\u00a0Fentanyl\"}]"));
        assertEquals(List.of("NPP"), hits("[{\"name\":\"N-phenethyl-4-piperidone\"}]"));
        // the salts and hydrates a substance is traded as, as intake counts them
        assertEquals(List.of("4-piperidone"), hits("[{\"casNumber\":\"40064-34-4\"}]"));
        assertEquals("fentanyl", watchlist.nameFor("990-73-8"));
        // the names a Chinese report gives, beside another in brackets, a full-width CAS number, invisible characters
        assertEquals(List.of("fentanyl", "ANPP", "NPP"), hits("""
                [{"name":"芬太尼"},{"name":"4-苯胺基-N-苯乙基哌啶"},{"name":"某化学品（NPP）"}]"""));
        assertEquals(List.of("ANPP", "4-piperidone", "NPP"), hits("""
                [{"casNumber":"２１４０９－２６－７"},{"name":"4-pi\u00adperi\u200bdone"},{"name":"NPP\ufe0f"}]"""));
        assertEquals(Set.of("ANPP", "NPP"), watchlist.namesFor("ANPP (NPP)"));
    }

    @Test
    void hitsKeepTheReportsOrderOnceEachAndIgnoreWhatIsNotText() throws Exception {
        assertEquals(List.of("NPP", "ANPP"), hits("""
                [{"name":"NPP"},{"name":"acetone","casNumber":"67-64-1"},{"name":"ANPP","casNumber":"21409-26-7"},
                 {"name":"npp"},{"name":42},{"casNumber":["21409-26-7"]},null]"""));
        assertEquals(List.of(), hits("[]"));
        assertEquals(List.of(), watchlist.hits(JSON.readTree("{\"type\":\"ILLICIT_FINANCE\"}")));
    }

    @Test
    void aListMissingFromTheBuildStopsTheService() {
        assertThrows(IllegalStateException.class, () -> new Watchlist(JSON, "no-such-watchlist.json"));
    }
}
