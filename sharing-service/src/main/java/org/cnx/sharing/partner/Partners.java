package org.cnx.sharing.partner;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class Partners {

    /** A receiving agency; {@code code} is also the audience of the deliveries it receives. */
    public record Partner(String code, String name, String country, String endpoint, boolean active) {
    }

    private final PartnerConfig config;

    Partners(PartnerConfig config) {
        this.config = config;
    }

    public List<Partner> active() {
        return config.partners().entrySet().stream()
                .filter(e -> e.getValue().active())
                .map(e -> of(e.getKey(), e.getValue()))
                .sorted(java.util.Comparator.comparing(Partner::code))
                .toList();
    }

    public Optional<Partner> find(String code) {
        return Optional.ofNullable(config.partners().get(code)).map(p -> of(code, p));
    }

    private static Partner of(String code, PartnerConfig.Partner p) {
        return new Partner(code, p.name(), p.country(), p.endpoint(), p.active());
    }
}
