package org.cnx.sharing.policy;

import java.util.Arrays;
import java.util.Optional;

/** FIRST TLP 2.0 labels, from least to most restricted; a ceiling compares by this order. */
public enum Tlp {
    CLEAR("CLEAR"), GREEN("GREEN"), AMBER("AMBER"), AMBER_STRICT("AMBER+STRICT"), RED("RED");

    /** The labels as a Bean Validation pattern. */
    public static final String PATTERN = "CLEAR|GREEN|AMBER|AMBER\\+STRICT|RED";

    /** What a wrong label is told. */
    public static final String MESSAGE = "must be one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED";

    private final String label;

    Tlp(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The label as written in reports ({@code AMBER+STRICT}); empty for anything else, including null. */
    public static Optional<Tlp> parse(String label) {
        return Arrays.stream(values()).filter(t -> t.label.equals(label)).findFirst();
    }

    public boolean atMost(Tlp ceiling) {
        return ordinal() <= ceiling.ordinal();
    }

    @Override
    public String toString() {
        return label;
    }
}
