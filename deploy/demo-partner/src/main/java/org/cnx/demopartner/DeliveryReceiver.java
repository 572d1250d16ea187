package org.cnx.demopartner;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import org.jboss.logging.Logger;

/** Verifies a delivery, keeps it once per delivery id, and logs one line per delivery either way. */
@ApplicationScoped
public class DeliveryReceiver {

    private static final Logger LOG = Logger.getLogger(DeliveryReceiver.class);

    private final DeliveryVerifier verifier;
    private final Inbox inbox;
    private final ObjectReader json;

    public DeliveryReceiver(DeliveryVerifier verifier, Inbox inbox, ObjectMapper mapper) {
        this.verifier = verifier;
        this.inbox = inbox;
        this.json = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public DeliveryAck receive(String partnerCode, String authorization, String deliveryIdHeader, byte[] body) {
        try {
            DeliveryVerifier.Verified verified = verifier.verify(partnerCode, authorization, deliveryIdHeader, body);
            String deliveryId = verified.deliveryId();
            JsonNode record = parse(body);
            boolean stored = inbox.store(partnerCode, new ReceivedDelivery(deliveryId, Instant.now(), verified.kid(),
                    verified.bodySha256(), record.path("reportId").asText(null), body));
            if (stored) {
                // what it is, never what it says: a recall's first 200 characters, in a log file anyone on the machine
                // could read, quoted the originator's reason for withdrawing the report
                LOG.infof("RECEIVED %s delivery=%s type=%s report=%s sha256=%s", Printable.of(partnerCode), deliveryId,
                        Printable.of(record.path("type").asText("?"), 16),
                        Printable.of(record.path("reportId").asText("?"), 40), verified.bodySha256());
            } else {
                LOG.infof("DUPLICATE %s delivery=%s (acknowledged, kept once)", Printable.of(partnerCode), deliveryId);
            }
            return new DeliveryAck(deliveryId, !stored);
        } catch (DeliveryRejectedException e) {
            LOG.warnf("REJECTED %s %s", Printable.of(partnerCode), e.getMessage());
            throw e;
        }
    }

    public DeliveryList list(String partnerCode) {
        return inbox.list(partnerCode);
    }

    /** The bytes of a delivery the partner still holds, as they came. */
    public Optional<byte[]> body(String partnerCode, String deliveryId) {
        return inbox.find(partnerCode, deliveryId).map(ReceivedDelivery::bytes);
    }

    public Arrivals arrivals(String partnerCode, int from, int limit) {
        return inbox.arrivals(partnerCode, from, limit);
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode tree = json.readTree(body);
            if (tree == null || tree.isMissingNode()) {
                throw DeliveryRejectedException.notJson("empty body");
            }
            return tree;
        } catch (IOException e) {
            throw DeliveryRejectedException.notJson("body is not a JSON document");
        }
    }
}
