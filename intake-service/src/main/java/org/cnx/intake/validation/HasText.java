package org.cnx.intake.validation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * Text with at least one character that shows: not null (unless {@code optional}), and not only spaces of any script
 * (U+3000, a Chinese input method's, or U+00A0), line breaks and other controls, invisible format characters
 * (U+200B, U+FEFF), or other characters that show nothing (a Hangul filler U+3164, a variation selector).
 * {@code @NotBlank} trims only up to U+0020: a title of one ideographic space was delivered as a blank title.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT,
        ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = HasText.Validator.class)
public @interface HasText {

    String message() default "must not be blank";

    /** Whether an absent value (null) is valid; one that is present must still have text. */
    boolean optional() default false;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<HasText, String> {

        private boolean optional;

        @Override
        public void initialize(HasText annotation) {
            optional = annotation.optional();
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null && optional || in(value);
        }

        /** Whether {@code value} has text, as the constraint sees it. */
        public static boolean in(String value) {
            return value != null && value.codePoints().anyMatch(c -> !blank(c));
        }

        private static boolean blank(int c) {
            return Character.isSpaceChar(c) || Character.getType(c) == Character.CONTROL || showsNothing(c);
        }

        /**
         * Whether {@code c} shows nothing: a format character (a zero-width space, a soft hyphen, a direction mark),
         * or one of Unicode's other default-ignorable characters, which are letters or marks (the Hangul fillers,
         * variation selectors, the combining grapheme joiner, Mongolian and Khmer ones), or the blank Braille pattern:
         * a title of U+3164 alone passed as text and went out blank. The watch list's names are compared without them.
         */
        public static boolean showsNothing(int c) {
            return Character.getType(c) == Character.FORMAT || c == 0x034F || c == 0x115F || c == 0x1160 || c == 0x17B4
                    || c == 0x17B5 || c >= 0x180B && c <= 0x180F || c == 0x2800 || c == 0x3164
                    || c >= 0xFE00 && c <= 0xFE0F || c == 0xFFA0 || c >= 0xE0100 && c <= 0xE01EF;
        }
    }
}
