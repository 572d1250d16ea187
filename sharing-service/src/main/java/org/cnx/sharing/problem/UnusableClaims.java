package org.cnx.sharing.problem;

/**
 * A token, good in itself, without the {@code agency} or {@code country} an endpoint acts on: 403, refused before
 * anything is read or changed, and audited as {@code ACCESS_DENIED} (problem {@code missing-agency}) as a refusal
 * for the token's roles is.
 */
public final class UnusableClaims extends ProblemException {

    public UnusableClaims(String detail) {
        super(403, "missing-agency", "Forbidden", detail);
    }
}
