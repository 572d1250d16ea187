package org.cnx.e2e;

import static org.cnx.e2e.Manifests.at;
import static org.cnx.e2e.Manifests.kind;
import static org.cnx.e2e.Manifests.list;
import static org.cnx.e2e.Manifests.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s's NetworkPolicies, evaluated the way a network plugin enforces them: a pod that some policy selects
 * for ingress accepts a connection only if a rule of such a policy admits its source and port; a pod no policy
 * selects accepts everything. Every connection cnx makes inside the cluster must get through, and nothing else may
 * reach the services or the database. The evaluator knows the fields the manifests use and fails on any other, so
 * that a policy it cannot read is never taken to allow or refuse anything.
 */
class NetworkPoliciesIT {

    private static final Path K8S = Cnx.ROOT.resolve("deploy/k8s");
    private static final Set<String> POLICY_FIELDS = Set.of("podSelector", "policyTypes", "ingress");
    private static final Set<String> PEER_FIELDS = Set.of("podSelector", "namespaceSelector");

    /** A pod as a policy sees it: its namespace, its labels and the ports it names. */
    record Pod(String what, String namespace, Map<String, String> labels, Map<String, Integer> namedPorts) {

        @Override
        public String toString() {
            return what;
        }
    }

    private static String namespace;
    private static List<Map<String, Object>> policies;
    private static Pod intake;
    private static Pod sharing;
    private static Pod audit;
    private static Pod database;
    private static Pod operator;
    private static Pod ingressController;
    private static Pod strayInNamespace;
    private static Pod elsewhere;

    @BeforeAll
    static void readTheManifests() {
        namespace = (String) Manifests.yamlDocuments(K8S.resolve("kustomization.yaml")).get(0).get("namespace");
        List<Map<String, Object>> resources = Manifests.resources(K8S);
        policies = kind(resources, "NetworkPolicy");
        Map<String, Pod> services = new HashMap<>();
        for (Map<String, Object> deployment : kind(resources, "Deployment")) {
            String name = (String) at(deployment, "metadata", "name");
            Map<String, Integer> ports = new HashMap<>();
            for (Object container : list(at(deployment, "spec", "template", "spec", "containers"))) {
                for (Object port : list(map(container).get("ports"))) {
                    ports.put((String) map(port).get("name"), (Integer) map(port).get("containerPort"));
                }
            }
            @SuppressWarnings("unchecked")
            Map<String, String> labels = (Map<String, String>) at(deployment, "spec", "template", "metadata", "labels");
            services.put(name, new Pod(name, namespace, labels, ports));
        }
        intake = services.get("intake-service");
        sharing = services.get("sharing-service");
        audit = services.get("audit-service");
        String cluster = (String) at(kind(resources, "Cluster").get(0), "metadata", "name");
        // CloudNativePG labels its instances' pods with their cluster's name
        database = new Pod("a " + cluster + " instance", namespace, Map.of("cnpg.io/cluster", cluster), Map.of());
        operator = new Pod("the CloudNativePG operator", "cnpg-system",
                Map.of("app.kubernetes.io/name", "cloudnative-pg"), Map.of());
        ingressController = new Pod("the ingress controller", "ingress-nginx",
                Map.of("app.kubernetes.io/name", "ingress-nginx"), Map.of());
        strayInNamespace = new Pod("a debugging pod in " + namespace, namespace, Map.of("run", "debug"), Map.of());
        elsewhere = new Pod("a pod of another namespace", "default", Map.of("app.kubernetes.io/name", "intake-service"),
                Map.of());
    }

    @Test
    void everyConnectionCnxMakesGetsThrough() {
        int intakePort = intake.namedPorts().get("http");
        int sharingPort = sharing.namedPorts().get("http");
        int auditPort = audit.namedPorts().get("http");
        // partners, officers, auditors: through the ingress controller, to each service's API (ingress.yaml)
        assertAllowed(ingressController, intake, intakePort);
        assertAllowed(ingressController, sharing, sharingPort);
        assertAllowed(ingressController, audit, auditPort);
        // the hand-over and recalls; everyone's audit events (DESIGN §2)
        assertAllowed(intake, sharing, sharingPort);
        assertAllowed(intake, audit, auditPort);
        assertAllowed(sharing, audit, auditPort);
        // each service's database
        for (Pod service : List.of(intake, sharing, audit)) {
            assertAllowed(service, database, 5432);
        }
        // the cluster's replication and the operator's checks on every instance
        assertAllowed(database, database, 5432);
        assertAllowed(database, database, 8000);
        assertAllowed(operator, database, 8000);
        assertAllowed(operator, database, 5432);
    }

    @Test
    void nothingElseReachesTheServicesOrTheDatabase() {
        for (Pod stranger : List.of(strayInNamespace, elsewhere)) {
            for (Pod target : List.of(intake, sharing, audit)) {
                assertRefused(stranger, target, target.namedPorts().get("http"));
            }
            assertRefused(stranger, database, 5432);
        }
        // nothing calls intake from inside; audit calls no one
        assertRefused(sharing, intake, intake.namedPorts().get("http"));
        assertRefused(audit, intake, intake.namedPorts().get("http"));
        assertRefused(audit, sharing, sharing.namedPorts().get("http"));
        // the ingress controller reaches the APIs, not the database; the services reach the database's port only
        assertRefused(ingressController, database, 5432);
        assertRefused(intake, database, 8000);
        // no port but the API's, even from a caller that may use it
        assertRefused(intake, sharing, 5005);
        assertRefused(operator, intake, intake.namedPorts().get("http"));
    }

    @Test
    void everyPodInTheNamespaceIsSelectedByAnIngressPolicy() {
        for (Pod pod : List.of(intake, sharing, audit, database, strayInNamespace)) {
            assertFalse(selecting(pod).isEmpty(), pod + " is selected by no policy: it accepts every connection");
        }
    }

    private static void assertAllowed(Pod from, Pod to, int port) {
        assertTrue(allows(from, to, port), from + " → " + to + ":" + port + " must get through");
    }

    private static void assertRefused(Pod from, Pod to, int port) {
        assertFalse(allows(from, to, port), from + " → " + to + ":" + port + " must be refused");
    }

    /** The ingress policies of the namespace that select {@code pod}. */
    private static List<Map<String, Object>> selecting(Pod pod) {
        List<Map<String, Object>> found = new ArrayList<>();
        for (Map<String, Object> policy : policies) {
            Map<String, Object> spec = map(policy.get("spec"));
            assertTrue(POLICY_FIELDS.containsAll(spec.keySet()), "fields this evaluator does not know: " + spec.keySet());
            assertEquals(List.of("Ingress"), spec.get("policyTypes"), "ingress policies only");
            if (namespace.equals(pod.namespace()) && matches(map(spec.get("podSelector")), pod.labels())) {
                found.add(spec);
            }
        }
        return found;
    }

    private static boolean allows(Pod from, Pod to, int port) {
        List<Map<String, Object>> selecting = selecting(to);
        if (selecting.isEmpty()) {
            return true;
        }
        for (Map<String, Object> spec : selecting) {
            for (Object rule : list(spec.get("ingress"))) {
                Map<String, Object> r = map(rule);
                assertTrue(Set.of("from", "ports").containsAll(r.keySet()), "rule fields: " + r.keySet());
                boolean source = !r.containsKey("from") || list(r.get("from")).stream().anyMatch(p -> admits(map(p), from));
                boolean onPort = !r.containsKey("ports") || list(r.get("ports")).stream()
                        .anyMatch(p -> port(map(p), to) == port);
                if (source && onPort) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A peer with a pod selector alone means pods of the policy's own namespace; with both, pods of those namespaces. */
    private static boolean admits(Map<String, Object> peer, Pod from) {
        assertTrue(PEER_FIELDS.containsAll(peer.keySet()), "peer fields this evaluator does not know: " + peer.keySet());
        Object namespaces = peer.get("namespaceSelector");
        Object pods = peer.get("podSelector");
        boolean inNamespace = namespaces == null ? namespace.equals(from.namespace())
                : matches(map(namespaces), Map.of("kubernetes.io/metadata.name", from.namespace()));
        return inNamespace && (pods == null || matches(map(pods), from.labels()));
    }

    /** The port number an entry names on {@code to}: a number, or the name of one of its container ports. */
    private static int port(Map<String, Object> entry, Pod to) {
        assertTrue(Set.of("port").containsAll(entry.keySet()), "port fields: " + entry.keySet() + " (TCP only)");
        Object port = entry.get("port");
        if (port instanceof Integer number) {
            return number;
        }
        return to.namedPorts().getOrDefault((String) port, -1);
    }

    private static boolean matches(Map<String, Object> selector, Map<String, String> labels) {
        assertTrue(Set.of("matchLabels").containsAll(selector.keySet()), "selector fields: " + selector.keySet());
        Object wanted = selector.get("matchLabels");
        if (wanted == null) {
            return true; // {} selects everything
        }
        for (Map.Entry<String, Object> label : map(wanted).entrySet()) {
            if (!label.getValue().equals(labels.get(label.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
