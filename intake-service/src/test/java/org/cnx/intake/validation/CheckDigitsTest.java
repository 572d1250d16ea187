package org.cnx.intake.validation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckDigitsTest {

    @ParameterizedTest
    @ValueSource(strings = {"39742-60-4", "21409-26-7", "23056-29-3", "125541-22-2", "1609-66-1", "41661-47-6",
        "79099-07-3", "437-38-7", "7732-18-5", "50-00-0"})
    void realCasNumbersVerify(String cas) {
        assertTrue(CheckDigits.isCasNumber(cas));
    }

    @ParameterizedTest
    @ValueSource(strings = {"21409-26-8", "21409-62-7", "2140926-7", "1-00-0", "12345678-00-0", "21409-26-", "ANPP", ""})
    void wrongCasNumbersDoNot(String cas) {
        assertFalse(CheckDigits.isCasNumber(cas));
    }

    @Test
    void exactlyOneCheckDigitFitsAnyCasBody() {
        Random random = new Random(6346);
        for (int n = 0; n < 2_000; n++) {
            String body = String.valueOf(10 + random.nextInt(9_999_990));
            String head = body.substring(0, body.length() - 2) + "-" + body.substring(body.length() - 2) + "-";
            int valid = 0;
            for (int d = 0; d <= 9; d++) {
                valid += CheckDigits.isCasNumber(head + d) ? 1 : 0;
            }
            if (valid != 1) {
                throw new AssertionError(head + "? has " + valid + " valid check digits");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"CSQU3054383", "MSKU9070323", "TGHU0000013"})
    void realContainerNumbersVerify(String container) {
        assertTrue(CheckDigits.isContainerNumber(container));
    }

    @ParameterizedTest
    @ValueSource(strings = {"CSQU3054384", "CSQX3054383", "csqu3054383", "CSQU305438", "CSQU30543833", "CSQ3054383", ""})
    void wrongContainerNumbersDoNot(String container) {
        assertFalse(CheckDigits.isContainerNumber(container));
    }

    @Test
    void exactlyOneCheckDigitFitsAnyContainerBody() {
        Random random = new Random(3166);
        for (int n = 0; n < 2_000; n++) {
            StringBuilder head = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                head.append((char) ('A' + random.nextInt(26)));
            }
            head.append("UJZ".charAt(random.nextInt(3)));
            head.append(String.format("%06d", random.nextInt(1_000_000)));
            int valid = 0;
            for (int d = 0; d <= 9; d++) {
                valid += CheckDigits.isContainerNumber(head.toString() + d) ? 1 : 0;
            }
            if (valid != 1) {
                throw new AssertionError(head + "? has " + valid + " valid check digits");
            }
        }
    }
}
