package org.cnx.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.yaml.snakeyaml.Yaml;

/**
 * deploy/k8s and deploy/compose read as a cluster or Docker reads them: per container, the environment and the key
 * files it gets and the health checks run against it. {@link #local} turns that environment into this machine's:
 * the database host becomes localhost and each database its {@code _test} twin, the other containers' addresses the
 * processes started for them, and the keys directory one holding exactly the files the container would see.
 */
final class Manifests {

    /**
     * One container. {@code module} is the Maven module whose packaged app its {@code image} runs; the values of
     * {@code env} still name the deployment's hosts; {@code keyFiles} are the names of the files mounted at
     * {@code keysDir}.
     */
    record Container(String name, String module, Image image, int port, Map<String, String> env, String keysDir,
            List<String> keyFiles, List<String> healthPaths) {
    }

    /** A deployment: its database server's host, its databases' owners and roles' passwords, and its containers. */
    record Deployment(String databaseHost, Map<String, String> owners, Map<String, String> passwords,
            Map<String, Integer> ports, List<Container> containers) {

        Container container(String name) {
            return containers.stream().filter(c -> c.name().equals(name)).findFirst()
                    .orElseGet(() -> fail("no container " + name + " in " + containers));
        }
    }

    private static final Pattern JDBC = Pattern.compile("jdbc:postgresql://([^:/]+):5432/(\\w+)");
    private static final Pattern URL = Pattern.compile("http://([a-z-]+):(\\d+)(/.*)?");
    private static final Pattern CREATE_ROLE = Pattern.compile("CREATE ROLE (\\w+) LOGIN PASSWORD '(\\w+)'");
    private static final Pattern CREATE_DATABASE = Pattern.compile("CREATE DATABASE (\\w+) OWNER (\\w+)");
    private static final Pattern HEALTH_REQUEST = Pattern.compile("GET (/\\S+) HTTP");

    private Manifests() {
    }

    /** deploy/k8s, as {@code kubectl kustomize} assembles it, with the database roles' passwords as in dev. */
    static Deployment kubernetes(Path dir) {
        Map<String, Object> kustomization = yamlDocuments(dir.resolve("kustomization.yaml")).get(0);
        Map<String, Map<String, String>> generated = new HashMap<>();
        for (Object generator : list(kustomization.get("configMapGenerator"))) {
            Map<String, String> literals = new LinkedHashMap<>();
            for (Object literal : list(map(generator).get("literals"))) {
                String[] pair = literal.toString().split("=", 2);
                literals.put(pair[0], pair[1]);
            }
            generated.put((String) map(generator).get("name"), literals);
        }
        List<Map<String, Object>> resources = resources(dir);
        assertTrue(resources.stream().noneMatch(r -> "Secret".equals(r.get("kind"))),
                "secrets are made outside git (secrets.sh), never committed");

        Map<String, Object> cluster = only(resources, "Cluster");
        Map<String, Object> initdb = map(at(cluster, "spec", "bootstrap", "initdb"));
        // secret name -> database role, for the initdb owner and every managed role
        Map<String, String> roleSecrets = new HashMap<>();
        roleSecrets.put((String) at(initdb, "secret", "name"), (String) initdb.get("owner"));
        for (Object role : list(at(cluster, "spec", "managed", "roles"))) {
            roleSecrets.put((String) at(map(role), "passwordSecret", "name"), (String) map(role).get("name"));
        }
        Map<String, String> owners = new HashMap<>();
        owners.put((String) initdb.get("database"), (String) initdb.get("owner"));
        resources.stream().filter(r -> "Database".equals(r.get("kind")))
                .forEach(d -> owners.put((String) at(d, "spec", "name"), (String) at(d, "spec", "owner")));
        Map<String, String> passwords = new HashMap<>();
        roleSecrets.values().forEach(role -> passwords.put(role, role)); // secrets.sh makes random ones

        Map<String, Integer> ports = new HashMap<>();
        List<Container> containers = new ArrayList<>();
        for (Map<String, Object> deployment : kind(resources, "Deployment")) {
            String name = (String) at(deployment, "metadata", "name");
            Map<String, Object> pod = map(at(deployment, "spec", "template", "spec"));
            Map<String, Object> container = map(list(pod.get("containers")).get(0));
            assertEquals("cnx/" + name, container.get("image"), "the image of " + name);
            assertPulledFromANamedRegistry(kustomization, "cnx/" + name);
            Map<String, Object> port = map(list(container.get("ports")).get(0));
            assertEquals("http", port.get("name"));
            Map<String, Object> service = kind(resources, "Service").stream()
                    .filter(s -> name.equals(at(s, "metadata", "name"))).findFirst()
                    .orElseGet(() -> fail("no Service for " + name));
            assertEquals(at(deployment, "spec", "template", "metadata", "labels", "app.kubernetes.io/name"),
                    at(service, "spec", "selector", "app.kubernetes.io/name"), "the Service selects " + name + "'s pods");
            Map<String, Object> servicePort = map(list(at(service, "spec", "ports")).get(0));
            assertEquals("http", servicePort.get("targetPort"));
            ports.put(name, (Integer) servicePort.get("port"));

            Map<String, String> env = new LinkedHashMap<>();
            for (Object from : list(container.get("envFrom"))) {
                String configMap = (String) at(map(from), "configMapRef", "name");
                env.putAll(Objects.requireNonNull(generated.get(configMap), "no generated ConfigMap " + configMap));
            }
            for (Object entry : list(container.get("env"))) {
                Map<String, Object> variable = map(entry);
                Object secretRef = at(variable, "valueFrom", "secretKeyRef");
                if (secretRef == null) {
                    env.put((String) variable.get("name"), String.valueOf(variable.get("value")));
                } else {
                    String role = roleSecrets.get((String) map(secretRef).get("name"));
                    assertNotNull(role, () -> name + " reads " + secretRef + ", which is no database role's secret");
                    assertTrue(List.of("username", "password").contains(map(secretRef).get("key")));
                    env.put((String) variable.get("name"), role);
                }
            }
            // the keys: the one projected volume, a file per item of its sources
            String keysDir = null;
            List<String> keyFiles = new ArrayList<>();
            for (Object mount : list(container.get("volumeMounts"))) {
                String volumeName = (String) map(mount).get("name");
                Map<String, Object> volume = list(pod.get("volumes")).stream().map(Manifests::map)
                        .filter(v -> volumeName.equals(v.get("name"))).findFirst()
                        .orElseGet(() -> fail("no volume " + volumeName));
                if (!volume.containsKey("projected")) {
                    continue;
                }
                keysDir = (String) map(mount).get("mountPath");
                for (Object source : list(at(volume, "projected", "sources"))) {
                    Map<String, Object> from = map(map(source).containsKey("secret") ? map(source).get("secret")
                            : map(source).get("configMap"));
                    for (Object item : list(from.get("items"))) {
                        assertEquals(map(item).get("key"), map(item).get("path"), "keys keep the names keys.sh gives them");
                        keyFiles.add((String) map(item).get("path"));
                    }
                }
            }
            assertNotNull(keysDir, name + " mounts its keys");
            List<String> health = Stream.of("startupProbe", "readinessProbe", "livenessProbe").map(probe -> {
                assertEquals("http", at(container, probe, "httpGet", "port"), probe + " of " + name);
                return (String) at(container, probe, "httpGet", "path");
            }).toList();
            // every image is built from the one recipe (README, Deploying), tagged cnx/<module>
            Image image = Image.build(dir.resolve("../image/Dockerfile").normalize(), name);
            containers.add(new Container(name, name, image, (Integer) port.get("containerPort"), env, keysDir, keyFiles,
                    health));
        }
        return new Deployment((String) at(cluster, "metadata", "name") + "-rw", owners, passwords, ports, containers);
    }

    /**
     * The kustomization names the registry each image comes from: a bare {@code cnx/intake-service} is Docker Hub's,
     * an image of whoever holds that name there, which a cluster would run with the service's keys and passwords.
     */
    private static void assertPulledFromANamedRegistry(Map<String, Object> kustomization, String image) {
        Map<String, Object> entry = list(kustomization.get("images")).stream().map(Manifests::map)
                .filter(i -> image.equals(i.get("name"))).findFirst()
                .orElseGet(() -> fail("kustomization.yaml's images: do not name " + image));
        String newName = String.valueOf(entry.get("newName"));
        String host = newName.contains("/") ? newName.substring(0, newName.indexOf('/')) : "";
        assertTrue((host.contains(".") || host.contains(":") || host.equals("localhost"))
                && !host.matches("(index\\.)?docker\\.io"), image + " is pulled from a registry of ours, not Docker Hub: "
                + entry);
        assertNotNull(entry.get("newTag"), image + " is pinned to a version: " + entry);
    }

    /** deploy/compose: compose.yaml, its PostgreSQL init scripts and the image every app container runs. */
    static Deployment compose(Path dir, Path keys) {
        Map<String, Object> services = map(yamlDocuments(dir.resolve("compose.yaml")).get(0).get("services"));
        String postgres = services.entrySet().stream()
                .filter(s -> String.valueOf(map(s.getValue()).get("image")).startsWith("postgres:"))
                .map(Map.Entry::getKey).findFirst().orElseGet(() -> fail("no postgres service"));
        Map<String, String> owners = new HashMap<>();
        Map<String, String> passwords = new HashMap<>();
        for (Object volume : list(map(services.get(postgres)).get("volumes"))) {
            String[] parts = volume.toString().split(":");
            if (parts[1].equals("/docker-entrypoint-initdb.d")) {
                try (Stream<Path> scripts = Files.list(dir.resolve(parts[0]))) {
                    for (Path script : scripts.toList()) {
                        String text = Files.readString(script);
                        CREATE_ROLE.matcher(text).results().forEach(m -> passwords.put(m.group(1), m.group(2)));
                        CREATE_DATABASE.matcher(text).results().forEach(m -> owners.put(m.group(1), m.group(2)));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        Map<String, Integer> ports = new HashMap<>();
        List<Container> containers = new ArrayList<>();
        services.forEach((name, value) -> {
            Map<String, Object> service = map(value);
            Object module = at(service, "build", "args", "MODULE");
            if (module == null) {
                return;
            }
            assertEquals("../..", at(service, "build", "context"), name + " is built from the repository's root");
            Path dockerfile = dir.resolve("../..").resolve((String) at(service, "build", "dockerfile")).normalize();
            Image image = Image.build(dockerfile, (String) module);
            String imageKeysDir = image.env().get("CNX_KEYS_DIR");
            assertNotNull(imageKeysDir, "the image sets CNX_KEYS_DIR");
            Map<String, String> env = new LinkedHashMap<>();
            map(service.get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
            // a published container's port is its mapping's; a replica that publishes none listens where it is told
            List<Object> published = list(service.get("ports"));
            int port = published.isEmpty() ? Integer.parseInt(env.get("QUARKUS_HTTP_PORT"))
                    : Integer.parseInt(published.get(0).toString().replaceAll(".*:", "")); // [host:]published:port
            ports.put(name, port);
            String keysDir = null;
            List<String> keyFiles = new ArrayList<>();
            for (Object volume : list(service.get("volumes"))) {
                String[] parts = volume.toString().split(":");
                if (parts[0].endsWith("local/.keys")) { // the whole dev keys directory, read-only
                    keysDir = parts[1];
                    try (Stream<Path> files = Files.list(keys)) {
                        files.forEach(f -> keyFiles.add(f.getFileName().toString()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            if (keysDir != null) {
                env.put("CNX_KEYS_DIR", imageKeysDir);
            }
            List<String> health = new ArrayList<>();
            Object check = at(service, "healthcheck", "test");
            if (check != null) {
                Matcher request = HEALTH_REQUEST.matcher(check.toString());
                assertTrue(request.find(), () -> name + "'s health check: " + check);
                health.add(request.group(1));
            }
            containers.add(new Container(name, (String) module, image, port, env, keysDir, keyFiles, health));
        });
        return new Deployment(postgres, owners, passwords, ports, containers);
    }

    /**
     * The environment a container would get, as this machine's: the database, the other containers' URLs and the
     * keys directory translated; every value checked against the deployment first.
     *
     * @param urls the started process's URL for a container name (the deployment's host name)
     * @param keys where the key files come from (a directory laid out as keys.sh lays it out)
     * @param keysDir the directory to mount them in: it gets exactly the container's key files
     */
    static Map<String, String> local(Deployment deployment, Container container, Function<String, String> urls,
            Path keys, Path keysDir) {
        Map<String, String> env = new LinkedHashMap<>();
        container.env().forEach((name, value) -> {
            switch (name) {
                case "QUARKUS_HTTP_PORT" -> assertEquals(String.valueOf(container.port()), value,
                        container.name() + " listens on the port its container declares");
                case "CNX_KEYS_DIR" -> {
                    assertEquals(container.keysDir(), value, container.name() + " reads its keys where they are mounted");
                    env.put(name, keysDir.toString());
                }
                case "QUARKUS_DATASOURCE_JDBC_URL" -> {
                    Matcher jdbc = JDBC.matcher(value);
                    assertTrue(jdbc.matches(), () -> container.name() + ": " + value);
                    assertEquals(deployment.databaseHost(), jdbc.group(1), container.name() + "'s database server");
                    assertTrue(deployment.owners().containsKey(jdbc.group(2)),
                            () -> "no database " + jdbc.group(2) + " in " + deployment.owners());
                    env.put(name, "jdbc:postgresql://localhost:5432/" + jdbc.group(2) + "_test");
                }
                default -> {
                    Matcher url = URL.matcher(value);
                    if (url.matches()) {
                        assertEquals(deployment.ports().get(url.group(1)), Integer.valueOf(url.group(2)),
                                () -> container.name() + "'s " + name + " names a port " + url.group(1) + " does not serve");
                        env.put(name, urls.apply(url.group(1)) + (url.group(3) == null ? "" : url.group(3)));
                    } else {
                        env.put(name, value);
                    }
                }
            }
        });
        if (env.containsKey("QUARKUS_DATASOURCE_JDBC_URL")) {
            String role = env.get("QUARKUS_DATASOURCE_USERNAME");
            assertTrue(deployment.passwords().containsKey(role), () -> container.name() + "'s role " + role + " is made");
            assertEquals(deployment.passwords().get(role), env.get("QUARKUS_DATASOURCE_PASSWORD"),
                    container.name() + "'s password is its role's");
        }
        try {
            Files.createDirectories(keysDir);
            for (String file : container.keyFiles()) {
                Files.copy(keys.resolve(file), keysDir.resolve(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return env;
    }

    /** The resources a kustomization in {@code dir} lists, as its files have them (without its namespace). */
    static List<Map<String, Object>> resources(Path dir) {
        Map<String, Object> kustomization = yamlDocuments(dir.resolve("kustomization.yaml")).get(0);
        return list(kustomization.get("resources")).stream()
                .flatMap(file -> yamlDocuments(dir.resolve((String) file)).stream()).toList();
    }

    static List<Map<String, Object>> yamlDocuments(Path file) {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Object document : new Yaml().loadAll(reader)) {
                if (document != null) {
                    documents.add(map(document));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    static List<Map<String, Object>> kind(List<Map<String, Object>> resources, String kind) {
        return resources.stream().filter(r -> kind.equals(r.get("kind"))).toList();
    }

    private static Map<String, Object> only(List<Map<String, Object>> resources, String kind) {
        List<Map<String, Object>> found = kind(resources, kind);
        assertEquals(1, found.size(), "one " + kind);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        assertTrue(value instanceof Map, () -> "not a mapping: " + value);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }

    static Object at(Map<String, Object> node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map)) {
                return null;
            }
            current = map(current).get(key);
        }
        return current;
    }
}
