package org.cnx.intake.report;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cnx.reports")
public interface ReportConfig {

    /** Largest report body accepted, in bytes (413 above). The HTTP layer's own limit is set higher. */
    @WithDefault("262144")
    int maxBodyBytes();

    @WithDefault("100")
    int maxPageSize();

    @WithDefault("50")
    int defaultPageSize();
}
