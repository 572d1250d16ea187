package org.cnx.intake.validation;

import java.util.regex.Pattern;

/** Check digits of the identifiers a report carries. */
public final class CheckDigits {

    private static final Pattern CAS = Pattern.compile("(\\d{2,7})-(\\d{2})-(\\d)");
    private static final Pattern CONTAINER = Pattern.compile("[A-Z]{3}[UJZ]\\d{7}");

    private CheckDigits() {
    }

    /**
     * A CAS Registry Number: the last digit equals the sum of the other digits, each weighted by its
     * position counted from the right, modulo 10 (e.g. ANPP, 21409-26-7).
     */
    public static boolean isCasNumber(String value) {
        if (value == null || !CAS.matcher(value).matches()) {
            return false;
        }
        String digits = value.replace("-", "");
        int check = digits.charAt(digits.length() - 1) - '0';
        int sum = 0;
        for (int i = digits.length() - 2, weight = 1; i >= 0; i--, weight++) {
            sum += (digits.charAt(i) - '0') * weight;
        }
        return sum % 10 == check;
    }

    /**
     * An ISO 6346 container number: owner code (3 letters), category (U, J or Z), 6 digits and a check
     * digit = Σ value(c<sub>i</sub>)·2<sup>i</sup> mod 11 mod 10, where letters count from A = 10
     * upwards, skipping multiples of 11 (e.g. CSQU3054383).
     */
    public static boolean isContainerNumber(String value) {
        if (value == null || !CONTAINER.matcher(value).matches()) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 10; i++) {
            sum += letterOrDigitValue(value.charAt(i)) << i;
        }
        return sum % 11 % 10 == value.charAt(10) - '0';
    }

    private static int letterOrDigitValue(char c) {
        if (Character.isDigit(c)) {
            return c - '0';
        }
        int value = 10 + (c - 'A');
        // 11, 22 and 33 are skipped: A=10, B=12 … K=21, L=23 … U=32, V=34 … Z=38
        return value + (value - 1) / 10;
    }
}
