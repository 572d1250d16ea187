package org.cnx.intake.validation;

import java.time.Duration;

import jakarta.inject.Singleton;

import org.hibernate.validator.BaseHibernateValidatorConfiguration;

import io.quarkus.hibernate.validator.ValidatorFactoryCustomizer;

/**
 * A partner's clock a little ahead of intake's: a report stamped with its own "now" as {@code occurredAt} was refused
 * as in the future. Temporal constraints allow the difference tokens are allowed by default
 * ({@code cnx.jwt.clock-skew}); the validator is built before the configuration can be read.
 */
@Singleton
public class ClockSkew implements ValidatorFactoryCustomizer {

    static final Duration TOLERANCE = Duration.ofSeconds(60);

    @Override
    public void customize(BaseHibernateValidatorConfiguration<?> configuration) {
        configuration.temporalValidationTolerance(TOLERANCE);
    }
}
