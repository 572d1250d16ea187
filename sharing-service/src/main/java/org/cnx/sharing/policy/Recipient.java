package org.cnx.sharing.policy;

import java.util.Set;

/** What the policy needs to know of a receiving partner (from the partner registry). */
public record Recipient(String code, String country, Set<String> acceptedTypes, Tlp maxTlp) {
}
