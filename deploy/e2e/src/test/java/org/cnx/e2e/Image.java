package org.cnx.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * deploy/image/Dockerfile as Docker builds it for one module, but for its base image: the files it copies into its
 * working directory, the environment it sets and its entrypoint. {@link #install} lays the files out in a directory
 * of this machine, in which {@link Service} runs the entrypoint as the container would (this JDK's {@code java} first
 * on the PATH, where the base image has its JRE's). An instruction this class does not know fails the test, so that
 * a change to the recipe is played here or noticed.
 */
record Image(Map<String, Path> files, Map<String, String> env, List<String> entrypoint) {

    private static final Pattern ENV = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|(\\S*))");
    private static final Pattern JSON_STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern ARG_REFERENCE = Pattern.compile("\\$\\{(\\w+)}");

    /** The image {@code dockerfile} builds with {@code --build-arg MODULE=module}, from the repository's root. */
    static Image build(Path dockerfile, String module) {
        Map<String, String> args = new HashMap<>();
        Map<String, Path> files = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        List<String> entrypoint = null;
        String workdir = null;
        for (String instruction : instructions(dockerfile)) {
            String[] parts = instruction.split("\\s+", 2);
            String operands = substitute(parts.length > 1 ? parts[1] : "", args);
            switch (parts[0].toUpperCase(Locale.ROOT)) {
                case "FROM", "USER" -> {
                    // the base image is this machine's JDK; the user, whoever runs the tests
                }
                case "ARG" -> {
                    String[] arg = operands.split("=", 2);
                    assertTrue(arg[0].equals("MODULE") || arg.length == 2,
                            () -> "an ARG without a default: " + instruction);
                    args.put(arg[0], arg[0].equals("MODULE") ? module : arg[1]);
                }
                case "WORKDIR" -> workdir = operands;
                case "COPY" -> {
                    // compose runs the container as the keys' owner, not the image's user: the files are read by
                    // whoever runs it, whatever mode the build machine's umask gave them
                    List<String> all = List.of(operands.split("\\s+"));
                    assertTrue(all.stream().anyMatch(w -> w.matches("--chmod=0?[0-7][4-7][4-7]")),
                            () -> "COPY readable by any user, not the mode the build context had: " + instruction);
                    List<String> words = all.stream().filter(w -> !w.startsWith("--")).toList();
                    String target = words.get(words.size() - 1);
                    String dir = workdir;
                    assertTrue(target.equals("./") || target.equals(dir + "/"),
                            () -> "COPY into the working directory " + dir + ": " + instruction);
                    for (String source : words.subList(0, words.size() - 1)) {
                        Path file = Cnx.ROOT.resolve(source);
                        assertTrue(Files.isRegularFile(file), () -> file + " is missing (" + instruction + ")");
                        assertFalse(ignored(source),
                                () -> source + " is left out of the build's context by .dockerignore");
                        files.put(file.getFileName().toString(), file);
                    }
                }
                case "ENV" -> ENV.matcher(operands).results()
                        .forEach(m -> env.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3)));
                case "ENTRYPOINT" -> {
                    assertTrue(operands.startsWith("["), () -> "the exec form, java as PID 1: " + instruction);
                    entrypoint = JSON_STRING.matcher(operands).results()
                            .map(m -> m.group(1).replace("\\\"", "\"").replace("\\\\", "\\")).toList();
                }
                default -> fail("an instruction the end-to-end tests do not play: " + instruction);
            }
        }
        assertNotNull(entrypoint, dockerfile + " has an ENTRYPOINT");
        return new Image(Map.copyOf(files), Map.copyOf(env), entrypoint);
    }

    /** Puts the image's files into {@code dir} (links to the built ones), which plays its working directory. */
    void install(Path dir) {
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, Path> file : files.entrySet()) {
                Path link = dir.resolve(file.getKey());
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, file.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the repository's .dockerignore keeps {@code path} out of Docker's build context: its last match. */
    private static boolean ignored(String path) {
        boolean ignored = false;
        try {
            for (String line : Files.readAllLines(Cnx.ROOT.resolve(".dockerignore"))) {
                String pattern = line.strip();
                if (pattern.isEmpty() || pattern.startsWith("#")) {
                    continue;
                }
                boolean exception = pattern.startsWith("!");
                PathMatcher matcher = FileSystems.getDefault()
                        .getPathMatcher("glob:" + pattern.substring(exception ? 1 : 0));
                if (matcher.matches(Path.of(path))) {
                    ignored = !exception;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ignored;
    }

    /** The Dockerfile's instructions: comments and blank lines dropped, continued lines joined. */
    private static List<String> instructions(Path dockerfile) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        try {
            for (String line : Files.readAllLines(dockerfile)) {
                String stripped = line.strip();
                if (stripped.startsWith("#") || stripped.isEmpty()) {
                    continue;
                }
                boolean continued = stripped.endsWith("\\");
                current.append(continued ? stripped.substring(0, stripped.length() - 1) : stripped).append(' ');
                if (!continued) {
                    instructions.add(current.toString().strip());
                    current.setLength(0);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return instructions;
    }

    private static String substitute(String text, Map<String, String> args) {
        Matcher reference = ARG_REFERENCE.matcher(text);
        return reference.replaceAll(m -> Matcher.quoteReplacement(Objects.requireNonNull(args.get(m.group(1)),
                () -> "${" + m.group(1) + "} is no ARG declared before it")));
    }
}
