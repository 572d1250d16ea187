package org.cnx.intake.problem;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * Marks an endpoint whose body is read as JSON before the method runs: {@link ContentEncodings} refuses a compressed
 * one first. Report submission reads its bytes itself, refuses a compressed report there and audits the refusal.
 */
@NameBinding
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface Uncompressed {
}
