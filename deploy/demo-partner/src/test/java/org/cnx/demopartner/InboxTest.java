package org.cnx.demopartner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The display keeps the latest bodies; the arrival log keeps every arrival, so a load run can count them all. */
class InboxTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theArrivalLogOutlivesTheDisplayAndStillRecognisesRepeats() throws Exception {
        Inbox inbox = new Inbox(TestConfig.of("http://localhost:1/jwks.json", 2, 5));
        for (int i = 1; i <= 4; i++) {
            assertTrue(inbox.store("US-CBP", delivery("d" + i, "r" + i)));
        }

        assertEquals(List.of("d3", "d4"), inbox.list("US-CBP").items().stream().map(ReceivedDelivery::deliveryId).toList(),
                "the display keeps the latest two");
        Arrivals all = inbox.arrivals("US-CBP", 0, 100);
        assertEquals(4, all.total());
        assertEquals(List.of("r1", "r2", "r3", "r4"), all.items().stream().map(Arrivals.Arrival::reportId).toList());

        assertFalse(inbox.store("US-CBP", delivery("d1", "r1")), "d1 left the display but is still known");
        assertEquals(1, inbox.arrivals("US-CBP", 0, 100).duplicates());
        assertEquals(4, inbox.arrivals("US-CBP", 0, 100).total(), "a repeat is not a new arrival");

        assertEquals(List.of("d3"), inbox.arrivals("US-CBP", 2, 1).items().stream().map(Arrivals.Arrival::deliveryId).toList(),
                "pages: from a position, at most a limit");
        assertEquals(0, inbox.arrivals("CN-MPS", 0, 100).total(), "another partner's log is its own");
    }

    @Test
    void theArrivalLogIsBounded() throws Exception {
        Inbox inbox = new Inbox(TestConfig.of("http://localhost:1/jwks.json", 2, 3));
        for (int i = 1; i <= 5; i++) {
            inbox.store("US-CBP", delivery("d" + i, "r" + i));
        }
        assertEquals(3, inbox.arrivals("US-CBP", 0, 100).total(), "beyond the bound, arrivals are no longer logged");
    }

    private ReceivedDelivery delivery(String id, String reportId) throws Exception {
        byte[] body = ("{\"reportId\":\"" + reportId + "\"}").getBytes(StandardCharsets.UTF_8);
        return new ReceivedDelivery(id, Instant.now(), "kid", DeliveryVerifier.sha256Hex(body), reportId, body);
    }
}
