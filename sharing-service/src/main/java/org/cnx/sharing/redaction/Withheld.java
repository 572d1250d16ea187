package org.cnx.sharing.redaction;

/**
 * One manifest entry of a released record: a JSON Pointer into the original report body (its indices
 * are those of the original, before anything was dropped) and what was done there. Never a value.
 */
public record Withheld(String path, String op) {
}
