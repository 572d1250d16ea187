package org.cnx.audit.event;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cnx.events")
public interface EventConfig {

    /** Most events accepted in one {@code POST /internal/v1/events}. */
    @WithDefault("1000")
    int maxBatchSize();

    @WithDefault("50")
    int defaultPageSize();

    /** Larger {@code limit} values are refused with 400, not silently capped. */
    @WithDefault("100")
    int maxPageSize();

    /** Rows read per query, each in a short transaction of its own, while an export streams. */
    @WithDefault("500")
    int exportFetchSize();
}
