package org.cnx.intake.report;

import com.fasterxml.jackson.annotation.JsonProperty;

/** FIRST Traffic Light Protocol 2.0 labels. */
public enum Tlp {
    CLEAR, GREEN, AMBER, @JsonProperty("AMBER+STRICT") AMBER_STRICT, RED
}
