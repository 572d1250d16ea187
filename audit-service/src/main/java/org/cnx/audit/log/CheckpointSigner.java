package org.cnx.audit.log;

import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HexFormat;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.audit.event.CanonicalJson;
import org.cnx.audit.security.SigningKey;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Signs tree heads as compact JWS (RS256, {@code kid} = RFC 7638 thumbprint of audit's key, {@code typ} =
 * {@value #TYPE}) over the canonical JSON {@code {"root": hex, "size": n, "timestamp": ISO-8601 UTC}}, and checks
 * stored heads against their signatures.
 */
@ApplicationScoped
public class CheckpointSigner {

    public static final String TYPE = "cnx-tree-head+jws";
    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SigningKey key;

    CheckpointSigner(SigningKey key) {
        this.key = key;
    }

    TreeHead sign(long size, byte[] root, Instant at) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode()
                .put("root", HEX.formatHex(root))
                .put("size", size)
                .put("timestamp", at.toString());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue(key.keyId());
        jws.setHeader("typ", TYPE);
        jws.setPayload(CanonicalJson.write(payload));
        jws.setKey(key.privateKey());
        TreeHead head = new TreeHead();
        head.treeSize = size;
        head.root = root.clone();
        head.signedAt = at;
        head.kid = key.keyId();
        try {
            head.jws = jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign the tree head", e);
        }
        return head;
    }

    /** True when the head's JWS verifies with one of audit's keys and signs exactly the head's size, root and time. */
    boolean verifies(TreeHead head) {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                    AlgorithmIdentifiers.RSA_USING_SHA256));
            jws.setCompactSerialization(head.jws);
            RSAPublicKey publicKey = key.verificationKeys().get(jws.getKeyIdHeaderValue());
            if (publicKey == null || !jws.getKeyIdHeaderValue().equals(head.kid)) {
                return false;
            }
            jws.setKey(publicKey);
            if (!jws.verifySignature()) {
                return false;
            }
            JsonNode payload = JSON.readTree(jws.getUnverifiedPayload());
            return payload.path("size").isIntegralNumber() && payload.path("size").longValue() == head.treeSize
                    && Arrays.equals(HEX.parseHex(payload.path("root").asText("")), head.root)
                    && Instant.parse(payload.path("timestamp").asText("")).equals(head.signedAt);
        } catch (JoseException | JsonProcessingException | IllegalArgumentException | DateTimeParseException
                | ClassCastException e) {
            // jose4j casts header values it reads as text: a stored head whose kid or alg is a number is not signed
            return false;
        }
    }
}
