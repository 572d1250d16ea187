package org.cnx.audit.log;

/** Query parameters taken as text, so that a malformed one is a 400 problem rather than JAX-RS's 404. */
final class QueryParams {

    private QueryParams() {
    }

    static long requiredLong(String name, String text) {
        if (text == null || text.isBlank()) {
            throw ProofService.badParameter(name, "is required");
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw ProofService.badParameter(name, "is not a whole number: " + text);
        }
    }
}
