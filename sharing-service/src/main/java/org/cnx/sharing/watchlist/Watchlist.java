package org.cnx.sharing.watchlist;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.interceptor.Interceptor;

import org.cnx.sharing.validation.HasText;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.Startup;

/**
 * Intake's watch list (its {@code watchlist.json}, which sharing's build takes too: one data file), for the dry
 * run alone: a report previewed without the hits intake found was decided as if it had none, so a watch-list rule
 * never matched, and an officer (who cannot read intake's reports) had no hits to give. Hand-overs carry intake's.
 * Matching is intake's: by CAS number (zero-padded or full-width too), or by name or synonym without case, width,
 * spaces, dashes or invisible format characters, a name beside another in brackets counting for each.
 */
@ApplicationScoped
@Startup(Interceptor.Priority.PLATFORM_BEFORE) // a list missing from the build stops the service before its relays run
public class Watchlist {

    /** The shape of a CAS Registry Number (its check digit aside). */
    public static final Pattern CAS_NUMBER = Pattern.compile("\\d{2,7}-\\d{2}-\\d");

    /** A name followed by another in brackets, e.g. {@code 4-ANPP (despropionyl fentanyl)}. */
    private static final Pattern BRACKETED = Pattern.compile("\\s*+(.+?)\\s*+\\(([^()]++)\\)\\s*+");

    private final Map<String, String> byCas = new HashMap<>();
    private final Map<String, String> byName = new HashMap<>();

    public Watchlist(ObjectMapper json,
            @ConfigProperty(name = "cnx.watchlist.resource", defaultValue = "watchlist.json") String resource) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("watch list " + resource + " not found on the class path");
            }
            for (JsonNode entry : json.readTree(in).path("entries")) {
                String name = entry.path("name").asText();
                byCas.put(entry.path("cas").asText(), name);
                entry.path("otherCas").forEach(salt -> byCas.put(salt.asText(), name)); // its salts and hydrates
                byName.put(normalise(name), name);
                entry.path("synonyms").forEach(synonym -> byName.put(normalise(synonym.asText()), name));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read watch list " + resource, e);
        }
    }

    /** The watch-list names hit by a report body's {@code substances}, in report order, each once. */
    public List<String> hits(JsonNode report) {
        Set<String> hits = new LinkedHashSet<>();
        for (JsonNode substance : report.path("substances")) {
            JsonNode number = substance.path("casNumber");
            if (number.isTextual()) {
                hits.add(byCasNumber(number.asText()));
            }
            JsonNode name = substance.path("name");
            if (name.isTextual()) {
                hits.addAll(byNames(name.asText()));
            }
        }
        hits.remove(null);
        return new ArrayList<>(hits);
    }

    /**
     * The list's name that {@code text} stands for (a name, a synonym or a CAS number), or null: a policy's rule
     * names the list's names, which a hit carries.
     */
    public String nameFor(String text) {
        String byNumber = byCasNumber(text);
        return byNumber != null ? byNumber : byName.get(normalise(text));
    }

    /**
     * The list's names that {@code text} stands for: as {@link #nameFor}, and where it ends in a bracketed name, each
     * apart too ({@code N-苯乙基-4-哌啶酮（NPP）} is NPP), as intake counts hits.
     */
    public Set<String> namesFor(String text) {
        Set<String> names = new LinkedHashSet<>(byNames(text));
        names.add(byCasNumber(text));
        names.remove(null);
        return names;
    }

    private Set<String> byNames(String text) {
        Set<String> names = new LinkedHashSet<>();
        names.add(byName.get(normalise(text)));
        Matcher bracketed = BRACKETED.matcher(Normalizer.normalize(text, Normalizer.Form.NFKC));
        if (bracketed.matches()) {
            names.add(byName.get(normalise(bracketed.group(1))));
            names.add(byName.get(normalise(bracketed.group(2))));
        }
        names.remove(null);
        return names;
    }

    /** By CAS number, also in full-width digits and dashes, and however many zeros pad it. */
    private String byCasNumber(String number) {
        return byCas.get(unpadded(Normalizer.normalize(number, Normalizer.Form.NFKC).strip()));
    }

    /**
     * Whether {@code text} is a CAS Registry Number (full-width digits and dashes folded), its check digit right: the
     * last digit is the sum of the others, each weighted by its place counted from the right, modulo 10.
     */
    public static boolean isCasNumber(String text) {
        String number = Normalizer.normalize(text, Normalizer.Form.NFKC).strip();
        if (!CAS_NUMBER.matcher(number).matches()) {
            return false;
        }
        String digits = number.replace("-", "");
        int sum = 0;
        for (int i = digits.length() - 2, weight = 1; i >= 0; i--, weight++) {
            sum += (digits.charAt(i) - '0') * weight;
        }
        return sum % 10 == digits.charAt(digits.length() - 1) - '0';
    }

    /** A CAS number without the zeros some systems pad it with: 0437-38-7 is fentanyl's 437-38-7. */
    public static String unpadded(String number) {
        return number.replaceFirst("^0+(?=\\d)", "");
    }

    /** As intake's: compatibility forms, case, spaces, dashes and invisible format characters folded away. */
    private static String normalise(String name) {
        StringBuilder kept = new StringBuilder(name.length());
        Normalizer.normalize(name, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT).codePoints()
                .filter(c -> !foldedAway(c)).forEach(kept::appendCodePoint);
        return kept.toString();
    }

    /** A space or dash of any script (a regular expression's {@code [\s\p{Z}\p{Pd}]}), U+2212, what shows nothing. */
    private static boolean foldedAway(int c) {
        return c == ' ' || c >= '\t' && c <= '\r' || Character.isSpaceChar(c)
                || Character.getType(c) == Character.DASH_PUNCTUATION || c == '\u2212'
                || HasText.Validator.showsNothing(c);
    }
}
