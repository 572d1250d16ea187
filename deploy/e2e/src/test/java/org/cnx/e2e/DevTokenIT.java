package org.cnx.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.RsaKeyUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code deploy/local/token.sh}, the dev identity provider, as DESIGN §3 calls it: a role and an agency. */
class DevTokenIT {

    private static Keys keys;

    @BeforeAll
    static void makeKeys() {
        keys = new Keys(Cnx.ROOT.resolve("deploy/e2e/target/dev-token-keys"));
    }

    @Test
    void aRoleAndAnAgencyGiveATokenOfTheAgencysCountry() throws Exception {
        JwtClaims claims = verified(run("partner", "US-CBP").output());

        assertEquals("US-CBP", claims.getStringClaimValue("agency"));
        assertEquals("US", claims.getStringClaimValue("country"));
        assertEquals(List.of("partner"), claims.getStringListClaimValue("groups"));
        assertEquals("https://idp.cnx.local", claims.getIssuer());
    }

    @Test
    void aCountryGivenIsTheTokensAndAnAgencyWithoutAPrefixNeedsOne() throws Exception {
        assertEquals("CN", verified(run("auditor", "US-DEA", "CN").output()).getStringClaimValue("country"));

        Cnx.Ran refused = run("partner", "cbp");
        assertEquals(2, refused.exit());
        assertTrue(refused.output().contains("agency 'cbp' has no country prefix (XX-...): give the COUNTRY"),
                refused.output());
    }

    /** What every service would refuse with a 401 that says nothing is refused where it is minted, saying why. */
    @Test
    void anAgencyOrSubjectLongerThanTheServicesTakeIsRefusedSayingSo() throws Exception {
        String longest = "US-" + "A".repeat(29);
        assertEquals(longest, verified(run("partner", longest).output()).getStringClaimValue("agency"));
        assertEquals("s".repeat(255), verified(run("partner", "US-CBP", "--sub", "s".repeat(255)).output())
                .getSubject());

        Cnx.Ran agency = run("partner", longest + "A");
        assertEquals(2, agency.exit());
        assertTrue(agency.output().contains("must be 1 to 32 letters, digits"), agency.output());
        Cnx.Ran sub = run("partner", "US-CBP", "--sub", "s".repeat(256));
        assertEquals(2, sub.exit());
        assertTrue(sub.output().contains("sub must be at most 255 characters"), sub.output());
    }

    private static Cnx.Ran run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Cnx.ROOT.resolve("deploy/local/token.sh").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--keys", keys.dir.toString()));
        return Cnx.run(new ProcessBuilder(command), 60);
    }

    private static JwtClaims verified(String token) throws Exception {
        PublicKey key = new RsaKeyUtil().fromPemEncoded(Files.readString(keys.publicKey("idp")));
        JwtConsumer consumer = new JwtConsumerBuilder().setVerificationKey(key).setExpectedAudience("cnx")
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                .setRequireExpirationTime().build();
        return consumer.processToClaims(token);
    }
}
