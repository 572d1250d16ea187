package org.cnx.sharing.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cnx.sharing.problem.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9110 §13.1.1 as a publish reads it. */
class IfMatchTest {

    @Test
    void noHeaderIsNoCondition() {
        assertNull(IfMatch.parse(null));
        assertNull(IfMatch.parse(" "));
    }

    @Test
    void aStrongTagOrAListMatchesTheVersionsItNames() {
        assertTrue(IfMatch.parse("\"3\"").matches(3));
        assertFalse(IfMatch.parse("\"3\"").matches(4));
        IfMatch list = IfMatch.parse("\"2\", \"3\" ,\"7\"");
        assertTrue(list.matches(3) && list.matches(7) && list.matches(2));
        assertFalse(list.matches(4));
        // empty list elements are allowed (RFC 9110 §5.6.1.2)
        assertTrue(IfMatch.parse(", \"3\", ,\"4\"").matches(4));
    }

    @Test
    void tagsAreComparedCharacterByCharacter() {
        assertFalse(IfMatch.parse("\"03\"").matches(3));
        assertFalse(IfMatch.parse("\"v3\"").matches(3));
    }

    @Test
    void aWeakTagNeverMatches() {
        assertFalse(IfMatch.parse("W/\"3\"").matches(3));
        assertTrue(IfMatch.parse("W/\"3\", \"4\"").matches(4));
        assertFalse(IfMatch.parse("W/\"3\", \"4\"").matches(3));
    }

    @Test
    void nothingCurrentMatchesNoTag() {
        assertFalse(IfMatch.parse("\"3\"").matches((String) null));
        assertFalse(IfMatch.parse("W/\"3\"").matches((String) null));
        assertFalse(IfMatch.parse("\"0\"").matches(0));
    }

    @Test
    void anyVersionNeedsOneInForce() {
        assertTrue(IfMatch.parse("*").matches(1));
        assertFalse(IfMatch.parse("*").matches(0));
    }

    @Test
    void ifNoneMatchHoldsWhereIfMatchWouldNot() {
        assertFalse(IfMatch.parse(null, "*").matches(1), "a version in force");
        assertTrue(IfMatch.parse(null, "*").matches(0), "none yet");
        assertFalse(IfMatch.parse(null, "\"2\", \"3\"").matches(3));
        assertTrue(IfMatch.parse(null, "\"2\"").matches(3));
        assertFalse(IfMatch.parse(null, "W/\"3\"").matches(3), "compared weakly");
        assertTrue(IfMatch.parse("\"3\"", " ").matches(3), "an empty If-None-Match is none");
        assertEquals(400, assertThrows(ProblemException.class, () -> IfMatch.parse("*", "*")).status());
    }

    @ParameterizedTest
    @ValueSource(strings = { "3", "\"3", "\"3\" \"4\"", "*, \"3\"", "abc" })
    void whatIsNoListOfEntityTagsIsRefused(String header) {
        ProblemException refused = assertThrows(ProblemException.class, () -> IfMatch.parse(header));
        assertEquals(400, refused.status());
    }
}
