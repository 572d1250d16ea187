package org.cnx.audit.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class CanonicalJsonTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void sortsKeysAtEveryLevelAndDropsWhitespace() throws Exception {
        String text = "{ \"b\": [ {\"z\": 1, \"a\": null} ], \"a\": { \"é\": \"x\\u0001\\\"\", \"E\": true }, \"A\": 1.5 }";
        assertEquals("{\"A\":1.5,\"a\":{\"E\":true,\"é\":\"x\\u0001\\\"\"},\"b\":[{\"a\":null,\"z\":1}]}",
                CanonicalJson.write(json.readTree(text)));
    }

    @Test
    void isIdempotent() throws Exception {
        String text = "{\"n\": 1e2, \"big\": 123456789012345678901234567890, \"s\": \"\\u2028 \\t\", \"arr\": [3, 2, 1]}";
        String once = CanonicalJson.write(json.readTree(text));
        assertEquals(once, CanonicalJson.write(json.readTree(once)));
    }

    @Test
    void eventOmitsAbsentFieldsAndEmptySubjectAndNormalisesTime() {
        UUID id = UUID.fromString("00000000-0000-0000-0000-000000000001");
        EventRequest event = new EventRequest(id, Instant.parse("2026-03-01T12:00:00.123456789Z"), ServiceName.SHARING,
                Action.DELIVERY_DEAD, new EventRequest.Actor("cnx-sharing", null, List.of("service")),
                new EventRequest.Subject(null, null, null, null), Outcome.FAILURE, null, null).normalized();
        assertEquals("{\"action\":\"DELIVERY_DEAD\",\"actor\":{\"roles\":[\"service\"],\"sub\":\"cnx-sharing\"},"
                + "\"eventId\":\"00000000-0000-0000-0000-000000000001\",\"occurredAt\":\"2026-03-01T12:00:00.123456Z\","
                + "\"outcome\":\"FAILURE\",\"service\":\"sharing\"}", CanonicalJson.of(event));
    }

    @Test
    void detailsAreCanonicalisedInsideTheEvent() {
        ObjectNode details = json.createObjectNode().put("z", "last").put("a", "first");
        EventRequest event = new EventRequest(UUID.fromString("00000000-0000-0000-0000-000000000002"),
                Instant.parse("2026-03-01T12:00:00Z"), ServiceName.INTAKE, Action.REPORT_RECEIVED,
                new EventRequest.Actor("u", "US-CBP", null), null, Outcome.SUCCESS, null, details);
        assertEquals("{\"action\":\"REPORT_RECEIVED\",\"actor\":{\"agency\":\"US-CBP\",\"sub\":\"u\"},"
                + "\"details\":{\"a\":\"first\",\"z\":\"last\"},\"eventId\":\"00000000-0000-0000-0000-000000000002\","
                + "\"occurredAt\":\"2026-03-01T12:00:00Z\",\"outcome\":\"SUCCESS\",\"service\":\"intake\"}",
                CanonicalJson.of(event));
    }
}
