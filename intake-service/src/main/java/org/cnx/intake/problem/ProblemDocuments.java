package org.cnx.intake.problem;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Every error the document lists answers a {@link Problem}: a client generated from the document could not read the
 * RFC 9457 body (the fields a 400 points at, the existingReportId of a 409), as no error response named a content.
 * And no schema says {@code multipleOf}, which {@code @Digits} wrote as {@code 1e-06}: validators that divide in
 * floating point refused a quantity of 0.1 (100000.00000000001 times it); the description says the decimals instead.
 * Patterns are anchored.
 */
public class ProblemDocuments implements OASFilter {

    private static final String SCHEMA = "#/components/schemas/Problem";

    @Override
    public Operation filterOperation(Operation operation) {
        if (operation.getResponses() != null && operation.getResponses().getAPIResponses() != null) {
            operation.getResponses().getAPIResponses().forEach((code, response) -> {
                if (isError(code) && response.getContent() == null) {
                    describe(response);
                }
            });
        }
        return operation;
    }

    @Override
    public Schema filterSchema(Schema schema) {
        if (schema.getBooleanSchema() == null) {
            if (schema.getMultipleOf() != null) {
                schema.setMultipleOf(null);
            }
            if (schema.getPattern() != null) {
                schema.setPattern(anchored(schema.getPattern()));
            }
        }
        return schema;
    }

    /**
     * A pattern as the service reads it, the whole value: a JSON Schema pattern matches anywhere in it, and a client
     * validating with {@code \d{4}(\.?\d{2}){0,3}} took an HS code of 2933.39.1, which intake refuses.
     */
    static String anchored(String pattern) {
        return pattern.startsWith("^") && pattern.endsWith("$") ? pattern : "^(?:" + pattern + ")$";
    }

    private static boolean isError(String code) {
        return code.startsWith("4") || code.startsWith("5");
    }

    private static void describe(APIResponse response) {
        response.setContent(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(SCHEMA))));
    }
}
