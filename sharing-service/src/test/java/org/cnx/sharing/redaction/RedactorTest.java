package org.cnx.sharing.redaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class RedactorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String FOUNDING_CASE = """
            {"occurredAt":"2026-11-20T23:30:00-05:00","shipment":{"trackingNumber":"COSU6293015840","port":"USNOG"},
             "subjects":[
               {"kind":"PERSON","name":"WANG Li","identifiers":[{"scheme":"PASSPORT","value":"E12345678"}]},
               {"kind":"COMPANY","name":"Hebei Example Chemical","identifiers":[{"scheme":"USCC","value":"91130100MA0ABCDE12"}]},
               {"kind":"PERSON","name":"LI Wei","identifiers":[]}]}""";

    private static final List<RedactionOp> NO_PERSONAL_DATA = List.of(
            RedactionOp.drop("/subjects", Map.of("kind", "PERSON")),
            RedactionOp.mask("/subjects/*/identifiers/*/value", 4),
            RedactionOp.generalise("/occurredAt", "day"));

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void dropsPersonsMasksIdentifiersAndGeneralisesTheTime() throws Exception {
        JsonNode report = json(FOUNDING_CASE);
        Redactor.Result result = Redactor.apply(report, NO_PERSONAL_DATA);

        JsonNode out = result.report();
        assertEquals(1, out.get("subjects").size());
        assertEquals("Hebei Example Chemical", out.at("/subjects/0/name").asText());
        assertEquals("****DE12", out.at("/subjects/0/identifiers/0/value").asText());
        assertEquals("2026-11-21", out.get("occurredAt").asText(), "the UTC day of 23:30 at -05:00");
        String text = out.toString();
        assertFalse(text.contains("WANG Li") || text.contains("LI Wei") || text.contains("E12345678"), text);
        // the manifest: pointers into the original, never values; a masked field inside a dropped one is not listed
        assertEquals(List.of(new Withheld("/subjects/0", "drop"), new Withheld("/subjects/2", "drop"),
                new Withheld("/subjects/1/identifiers/0/value", "mask"), new Withheld("/occurredAt", "generalise")),
                result.withheld());
        assertEquals(json(FOUNDING_CASE), report, "the input is never changed");
    }

    @Test
    void whereSeesTheOriginalValuesEvenAfterAMask() throws Exception {
        Redactor.Result result = Redactor.apply(json(FOUNDING_CASE), List.of(
                RedactionOp.mask("/subjects/*/kind", 0),
                RedactionOp.drop("/subjects", Map.of("kind", "PERSON"))));
        assertEquals(1, result.report().get("subjects").size());
        assertEquals("****", result.report().at("/subjects/0/kind").asText());
    }

    /** A where names a CAS number however many zeros pad it in the report, and a value in any case. */
    @Test
    void whereMatchesACasNumberHoweverItIsPaddedAndTextInAnyCase() throws Exception {
        Redactor.Result result = Redactor.apply(json("""
                {"substances":[{"casNumber":"021409-26-7"},{"casNumber":"121409-26-7"},{"name":"anpp"}]}"""),
                List.of(RedactionOp.drop("/substances", Map.of("casNumber", "21409-26-7")),
                        RedactionOp.drop("/substances", Map.of("name", "ANPP"))));
        assertEquals(List.of(new Withheld("/substances/0", "drop"), new Withheld("/substances/2", "drop")),
                result.withheld());
        assertEquals("121409-26-7", result.report().at("/substances/0/casNumber").asText());
    }

    /**
     * A where names a value however wide a Chinese input method writes it, with invisible format characters or spaces
     * around it: each of these passports and companies went out with a step naming it.
     */
    @Test
    void whereMatchesTextInAnyWidthWithoutInvisibleCharactersOrSurroundingSpaces() throws Exception {
        Redactor.Result result = Redactor.apply(json("""
                {"subjects":[{"kind":"ＰＥＲＳＯＮ"},{"kind":"PERSON\u200b\ufe0f"},{"kind":" PERSON\u3000"},
                             {"kind":"ORGANIZATION","name":"某某化工（香港）有限公司"},{"kind":"PERSONS"}],
                 "substances":[{"casNumber":"２１４０９－２６－７"}]}"""),
                List.of(RedactionOp.drop("/subjects", Map.of("kind", "PERSON")),
                        RedactionOp.drop("/subjects", Map.of("name", "某某化工(香港)有限公司")),
                        RedactionOp.drop("/substances", Map.of("casNumber", "21409-26-7"))));
        assertEquals(List.of("/subjects/0", "/subjects/1", "/subjects/2", "/subjects/3", "/substances/0"),
                result.withheld().stream().map(Withheld::path).toList());
        assertEquals("PERSONS", result.report().at("/subjects/0/kind").asText());
    }

    @Test
    void maskNeverRevealsAValueNoLongerThanWhatItKeeps() throws Exception {
        JsonNode out = Redactor.apply(json("{\"a\":\"1234\",\"b\":12345,\"c\":{\"d\":\"secret-value\"}}"),
                List.of(RedactionOp.mask("/a", 4), RedactionOp.mask("/b", 4), RedactionOp.mask("/c", 2))).report();
        assertEquals("****", out.get("a").asText());
        assertEquals("****2345", out.get("b").asText());
        assertEquals("****ue", out.at("/c/d").asText(), "masking an object masks every value in it");
    }

    @Test
    void aPlaceIsGeneralisedToItsCountryOrDroppedWhenItHasNone() throws Exception {
        Redactor.Result result = Redactor.apply(json("""
                {"port":"USNOG","seizure":{"city":"Nogales","country":"US","lat":31.3},"where":"a warehouse"}"""),
                List.of(RedactionOp.generalise("/port", "country"), RedactionOp.generalise("/seizure", "country"),
                        RedactionOp.generalise("/where", "country")));
        assertEquals(json("{\"port\":\"US\",\"seizure\":{\"country\":\"US\"}}"), result.report());
        assertEquals(List.of(new Withheld("/port", "generalise"), new Withheld("/seizure", "generalise"),
                new Withheld("/where", "drop")), result.withheld());
    }

    @Test
    void anUnreadableTimestampIsDroppedNotLeaked() throws Exception {
        Redactor.Result result = Redactor.apply(json("{\"occurredAt\":\"last Tuesday at noon\"}"),
                List.of(RedactionOp.generalise("/occurredAt", "day")));
        assertFalse(result.report().has("occurredAt"));
        assertEquals(List.of(new Withheld("/occurredAt", "drop")), result.withheld());
    }

    @Test
    void dropsInOneArrayKeepTheRightElements() throws Exception {
        JsonNode out = Redactor.apply(json("{\"a\":[0,1,2,3,4,5,6,7,8,9,10,11]}"), List.of(
                RedactionOp.drop("/a/10", null), RedactionOp.drop("/a/2", null), RedactionOp.drop("/a/9", null)))
                .report();
        assertEquals(json("{\"a\":[0,1,3,4,5,6,7,8,11]}"), out);
    }

    @Test
    void pathsThatSelectNothingWithholdNothing() throws Exception {
        JsonNode report = json("{\"title\":\"t\"}");
        Redactor.Result result = Redactor.apply(report, NO_PERSONAL_DATA);
        assertEquals(report, result.report());
        assertTrue(result.withheld().isEmpty());
    }

    @Test
    void escapedPointerSegmentsAreFollowed() throws Exception {
        Redactor.Result result = Redactor.apply(json("{\"a/b\":{\"m~n\":1}}"),
                List.of(RedactionOp.drop("/a~1b/m~0n", null)));
        assertEquals(json("{\"a/b\":{}}"), result.report());
        assertEquals(List.of(new Withheld("/a~1b/m~0n", "drop")), result.withheld());
    }
}
