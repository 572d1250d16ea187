package org.cnx.sharing.problem;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;

/**
 * The methods a path takes, read once from the resource classes, for the {@code Allow} header of a 405: RFC 9110
 * (15.5.6) says a server must send one, and JAX-RS's own refusal had none, so that a client learned only that its
 * method was wrong. GET brings HEAD, and every path answers OPTIONS, as Quarkus REST does.
 */
@ApplicationScoped
public class AllowedMethods {

    /** A path parameter, {@code {id}} or {@code {id: regex}}. */
    private static final Pattern PARAMETER =
            Pattern.compile("\\{\\s*[\\w.-]+\\s*(?::\\s*((?:[^{}]|\\{[^{}]*\\})+))?\\}");

    private record Route(Pattern path, String method) {
    }

    private final List<Route> routes = new ArrayList<>();

    AllowedMethods(BeanManager beans) {
        for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
            Path root = bean.getBeanClass().getAnnotation(Path.class);
            if (root == null) {
                continue;
            }
            for (Method method : bean.getBeanClass().getDeclaredMethods()) {
                Path sub = method.getAnnotation(Path.class);
                for (Annotation annotation : method.getAnnotations()) {
                    HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
                    if (http != null) {
                        routes.add(new Route(pattern(root.value() + "/" + (sub == null ? "" : sub.value())),
                                http.value()));
                    }
                }
            }
        }
    }

    /** The methods {@code path} takes, as an Allow header lists them; empty when no resource has it. */
    public String of(String path) {
        Set<String> methods = new TreeSet<>();
        for (Route route : routes) {
            if (route.path().matcher(path).matches()) {
                methods.add(route.method());
                if (HttpMethod.GET.equals(route.method())) {
                    methods.add(HttpMethod.HEAD);
                }
            }
        }
        if (!methods.isEmpty()) {
            methods.add(HttpMethod.OPTIONS);
        }
        return String.join(", ", methods);
    }

    /** A path template as a pattern of the whole path, a parameter any one segment (or its own expression). */
    static Pattern pattern(String template) {
        String path = ("/" + template).replaceAll("/+", "/");
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        StringBuilder regex = new StringBuilder();
        Matcher parameter = PARAMETER.matcher(path);
        int at = 0;
        while (parameter.find()) {
            regex.append(Pattern.quote(path.substring(at, parameter.start())));
            regex.append('(').append(parameter.group(1) == null ? "[^/]+" : parameter.group(1).strip()).append(')');
            at = parameter.end();
        }
        regex.append(Pattern.quote(path.substring(at)));
        return Pattern.compile(regex + "/?");
    }
}
