package org.cnx.sharing.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.inject.Inject;

import org.cnx.sharing.FakePartners;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every start asks for the version in force (PolicySeeder), and so does every hand-over. The question goes to the
 * database in plain SQL, past Hibernate's query machinery: a JVM's first HQL statement builds Hibernate's HQL parser,
 * about 0.2 s of a start to ready on a 2-core machine, and even a native query through Hibernate costs several times
 * the statement.
 */
@QuarkusTest
@QuarkusTestResource(FakePartners.class)
class PolicySeedingTest {

    @Inject
    PolicyVersionRepository versions;

    @Inject
    SessionFactory sessions;

    @Test
    void theVersionInForceIsLookedUpInPlainSql() {
        Statistics statistics = sessions.getStatistics();
        Map<String, Long> before = executions(statistics);

        int latest = QuarkusTransaction.requiringNew().call(versions::latestNumber);

        Map<String, Long> after = executions(statistics);
        List<String> ran = after.keySet().stream()
                .filter(q -> !after.get(q).equals(before.getOrDefault(q, 0L)))
                .filter(q -> q.toLowerCase(Locale.ROOT).contains("policy"))
                .toList();
        assertEquals(List.of(), ran, "no query on the policy through Hibernate, HQL or native");
        assertTrue(latest >= 1, "the initial policy was seeded as version 1: " + latest);
        assertEquals(latest, QuarkusTransaction.requiringNew().call(() -> versions.latest().orElseThrow().version));
    }

    /** How often each query string has run so far, HQL and SQL alike. */
    private static Map<String, Long> executions(Statistics statistics) {
        Map<String, Long> counts = new HashMap<>();
        for (String query : statistics.getQueries()) {
            counts.put(query, statistics.getQueryStatistics(query).getExecutionCount());
        }
        return counts;
    }
}
