package org.cnx.sharing.partner;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

import org.cnx.sharing.policy.Recipient;
import org.cnx.sharing.policy.Tlp;

public final class PartnerMapper {

    private PartnerMapper() {
    }

    public static PartnerViews.PartnerView view(Partner p) {
        return new PartnerViews.PartnerView(p.code, p.name, p.country, p.endpoint, types(p.acceptedTypes), p.maxTlp,
                p.active, p.disabledAt, p.disabledReason, p.createdAt, p.updatedAt, null);
    }

    /**
     * A registry entry's entity tag: its last change, in microseconds since 1970 (an admin's, or the relay's disabling
     * it after a 410), so that a change made from an older reading of the entry can be refused.
     */
    public static String tag(java.time.Instant updatedAt) {
        return Long.toString(updatedAt.getEpochSecond() * 1_000_000 + updatedAt.getNano() / 1_000);
    }

    /** What the policy sees of the partner; an unreadable maximum TLP admits nothing above CLEAR. */
    public static Recipient recipient(String code, String country, String acceptedTypes, String maxTlp) {
        return new Recipient(code, country, new LinkedHashSet<>(types(acceptedTypes)),
                Tlp.parse(maxTlp).orElse(Tlp.CLEAR));
    }

    static String join(List<String> types) {
        return String.join(",", new LinkedHashSet<>(types));
    }

    static List<String> types(String joined) {
        return joined == null || joined.isBlank() ? List.of() : Arrays.asList(joined.split(","));
    }
}
