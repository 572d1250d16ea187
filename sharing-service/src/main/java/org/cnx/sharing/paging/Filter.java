package org.cnx.sharing.paging;

import io.quarkus.panache.common.Parameters;

/** A Panache query with optional equality filters: a field given as null is left out of the query. */
public final class Filter {

    private final StringBuilder query;
    private Parameters params;

    public Filter(String query, Parameters params) {
        this.query = new StringBuilder(query);
        this.params = params;
    }

    /** Adds {@code field = :field} when {@code value} is not null. */
    public Filter and(String field, Object value) {
        if (value != null) {
            query.append(" and ").append(field).append(" = :").append(field);
            params = params.and(field, value);
        }
        return this;
    }

    public String query() {
        return query.toString();
    }

    public Parameters params() {
        return params;
    }
}
