package org.cnx.sharing.problem;

import java.util.List;

import jakarta.validation.ElementKind;
import jakarta.validation.Path;

import com.fasterxml.jackson.databind.JsonMappingException;

/** Bean Validation property paths and Jackson's mapping paths as JSON Pointers (RFC 6901) into the request body. */
public final class ProblemPointers {

    private ProblemPointers() {
    }

    /**
     * {@code rules[0].match.maxTlp} → {@code /rules/0/match/maxTlp}; map keys become segments. The first
     * {@code skip} nodes are left out (2 for a resource method's parameter: the method and the parameter).
     */
    public static String of(Path path, int skip) {
        StringBuilder pointer = new StringBuilder();
        int depth = 0;
        for (Path.Node node : path) {
            if (depth++ < skip) {
                continue;
            }
            if (node.getIndex() != null) {
                pointer.append('/').append(node.getIndex());
            } else if (node.getKey() != null) {
                pointer.append('/').append(escape(String.valueOf(node.getKey())));
            }
            if (node.getName() != null && node.getKind() != ElementKind.CONTAINER_ELEMENT) {
                pointer.append('/').append(escape(node.getName()));
            }
        }
        return pointer.length() == 0 ? "/" : pointer.toString();
    }

    /** Jackson's path to where a body could not be mapped ({@code rules[0].action}) → {@code /rules/0/action}. */
    public static String of(List<JsonMappingException.Reference> path) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            pointer.append('/');
            if (ref.getFieldName() != null) {
                pointer.append(escape(ref.getFieldName()));
            } else if (ref.getIndex() >= 0) {
                pointer.append(ref.getIndex());
            }
        }
        return pointer.length() == 0 ? "/" : pointer.toString();
    }

    private static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
