package org.cnx.intake.validation;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import jakarta.inject.Inject;
import jakarta.validation.ValidatorFactory;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Request bodies are validated without asking Hibernate ORM whether each property is loaded. That nested fields are
 * still reached and reported is {@code ReportSubmissionTest}'s business (pointers such as /substances/0/quantity).
 */
@QuarkusTest
class EveryPropertyReachableTest {

    @Inject
    ValidatorFactory validators;

    @Test
    void theValidatorDoesNotConsultThePersistenceProvider() {
        assertInstanceOf(EveryPropertyReachable.class, validators.getTraversableResolver());
    }
}
