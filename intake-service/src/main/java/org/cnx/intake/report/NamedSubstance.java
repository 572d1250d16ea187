package org.cnx.intake.report;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * A substance has a name or a CAS number, or both: the watch list matches either, and a laboratory's report often
 * gives the number alone. One with neither says nothing; the problem points at its {@code name}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = NamedSubstance.Validator.class)
public @interface NamedSubstance {

    String message() default "a substance needs a name or a CAS number";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<NamedSubstance, ReportRequest.Substance> {

        @Override
        public boolean isValid(ReportRequest.Substance substance, ConstraintValidatorContext context) {
            if (substance == null || substance.name() != null || substance.casNumber() != null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
                    .addPropertyNode("name").addConstraintViolation();
            return false;
        }
    }
}
