package org.cnx.sharing.delivery;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.sharing.security.SigningKey;
import org.cnx.sharing.security.TrustConfig;
import org.jboss.logging.Logger;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;

/**
 * Signs one delivery attempt (RS256, the current key's {@code kid}): {@code aud} = the partner code,
 * {@code jti} = the delivery id and {@code body_sha256} binding the token to the exact bytes sent.
 * Partners verify with {@code /.well-known/jwks.json}. Built with jose4j directly: one token per
 * attempt is on the relay's hot path, and the RSA signature is most of its cost.
 * <p>
 * Where {@link DeliveryConfig#nativeSigning()} allows, the signature is made by Amazon Corretto Crypto
 * Provider (AWS-LC), in about half the CPU of the JDK's RSA. RSASSA-PKCS1-v1_5 is deterministic: both
 * providers give the same bytes. Loading its native library takes most of a second of CPU, so it loads on a
 * thread of its own when the first delivery is signed, not during start-up; until then, or where it cannot
 * load, the JDK signs.
 */
@ApplicationScoped
public class DeliverySigner {

    public static final String BODY_HASH_CLAIM = "body_sha256";

    private static final Logger LOG = Logger.getLogger(DeliverySigner.class);

    private final SigningKey key;
    private final String issuer;
    private final DeliveryConfig config;
    /** Null while the JDK signs. */
    private volatile NativeRsa nativeRsa;
    private final AtomicBoolean loadRequested = new AtomicBoolean();

    /**
     * The provider, asked for by name, and the private key in its own form: handed the JDK's key, it would
     * convert it for every signature, at more than the JDK's own cost.
     */
    private record NativeRsa(ProviderContext context, PrivateKey key) {
    }

    DeliverySigner(SigningKey key, TrustConfig trust, DeliveryConfig config) {
        this.key = key;
        this.issuer = trust.self().issuer();
        this.config = config;
    }

    private void loadNativeRsa() {
        if (!loadRequested.compareAndSet(false, true)) {
            return;
        }
        if (!config.nativeSigning()) {
            LOG.info("deliveries are signed by the JDK's RSA (cnx.delivery.native-signing=false)");
            return;
        }
        Thread loader = new Thread(this::useNativeRsa, "native-rsa-loader");
        loader.setDaemon(true);
        loader.start();
    }

    /** Makes the native provider sign from now on, if it loads and passes its self-tests. */
    private void useNativeRsa() {
        try {
            AmazonCorrettoCryptoProvider provider = AmazonCorrettoCryptoProvider.INSTANCE;
            if (provider.getLoadingError() != null) {
                jdkSigns(provider.getLoadingError());
                return;
            }
            provider.assertHealthy();
            // last in the list: only what asks for it by name uses it. A test's earlier application may have
            // registered its own class loader's instance under the same name.
            Provider registered = Security.getProvider(provider.getName());
            if (registered != provider) {
                Security.removeProvider(provider.getName());
                Security.addProvider(provider);
            }
            ProviderContext context = new ProviderContext();
            context.getSuppliedKeyProviderContext().setSignatureProvider(provider.getName());
            PrivateKey nativeKey = (PrivateKey) KeyFactory.getInstance("RSA", provider).translateKey(key.privateKey());
            nativeRsa = new NativeRsa(context, nativeKey);
            LOG.infof("deliveries are signed by %s (%s)", provider.getName(), provider.getAwsLcVersionStr());
        } catch (GeneralSecurityException | LinkageError | RuntimeException e) {
            jdkSigns(e);
        }
    }

    private static void jdkSigns(Throwable why) {
        LOG.warnf("deliveries are signed by the JDK's RSA: the native provider did not load (%s)", why.toString());
    }

    /** The name of the provider that signs now. */
    String signatureProvider() {
        NativeRsa signer = nativeRsa;
        return signer == null ? "JDK" : signer.context().getSuppliedKeyProviderContext().getSignatureProvider();
    }

    public String sign(UUID deliveryId, String partner, String bodySha256) {
        long now = Instant.now().getEpochSecond();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(issuer);
        claims.setAudience(partner);
        claims.setJwtId(deliveryId.toString());
        claims.setClaim(BODY_HASH_CLAIM, bodySha256);
        claims.setIssuedAt(NumericDate.fromSeconds(now));
        claims.setExpirationTime(NumericDate.fromSeconds(now + config.tokenLifetime().toSeconds()));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        jws.setKeyIdHeaderValue(key.keyId());
        NativeRsa signer = nativeRsa;
        if (signer == null) {
            loadNativeRsa();
            jws.setKey(key.privateKey());
        } else {
            jws.setKey(signer.key());
            jws.setProviderContext(signer.context());
        }
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign delivery " + deliveryId, e);
        }
    }
}
