package org.cnx.sharing.openapi;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * The document's patterns as the service reads them, the whole value: a JSON Schema pattern matches anywhere in it,
 * and a client validating with {@code [A-Z]{2}-[A-Z0-9]{2,10}} took {@code US-CBP,US-DEA} as a partner code, which
 * sharing refuses.
 */
public class AnchoredPatterns implements OASFilter {

    @Override
    public Schema filterSchema(Schema schema) {
        if (schema.getBooleanSchema() == null && schema.getPattern() != null) {
            String pattern = schema.getPattern();
            schema.setPattern(pattern.startsWith("^") && pattern.endsWith("$") ? pattern : "^(?:" + pattern + ")$");
        }
        return schema;
    }
}
