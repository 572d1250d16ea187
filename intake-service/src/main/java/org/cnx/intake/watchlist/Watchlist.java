package org.cnx.intake.watchlist;

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
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.cnx.intake.validation.CheckDigits;
import org.cnx.intake.validation.HasText;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Watch-listed substances, loaded from a data file (default {@code watchlist.json} on the class path)
 * so that a new scheduling decision is a data change. A substance matches by CAS number, or by name
 * or synonym compared without case, spaces or hyphens ({@code 4-ANPP} = {@code 4 anpp} = {@code 4anpp}).
 */
@ApplicationScoped
public class Watchlist {

    /** A substance of the list: its name, CAS number, the CAS numbers of its salts and hydrates, other names. */
    record Entry(String name, String cas, List<String> otherCas, List<String> synonyms) {
    }

    private record Document(String source, List<Entry> entries) {
    }

    /** A substance as the report names it. */
    public record Substance(String name, String casNumber) {
    }

    /** A name followed by another in brackets, e.g. {@code 4-ANPP (despropionyl fentanyl)}. */
    private static final Pattern BRACKETED = Pattern.compile("\\s*+(.+?)\\s*+\\(([^()]++)\\)\\s*+");

    private final Map<String, String> byCas = new HashMap<>();
    private final Map<String, String> byName = new HashMap<>();

    @Inject
    Watchlist(ObjectMapper json, @ConfigProperty(name = "cnx.watchlist.resource", defaultValue = "watchlist.json") String resource) {
        this(load(json, resource));
    }

    Watchlist(List<Entry> entries) {
        for (Entry entry : entries) {
            List<String> numbers = new ArrayList<>(List.of(entry.cas()));
            if (entry.otherCas() != null) {
                numbers.addAll(entry.otherCas());
            }
            for (String number : numbers) {
                if (!CheckDigits.isCasNumber(number)) {
                    throw new IllegalStateException("watch list entry " + entry.name() + " has an invalid CAS number "
                            + number);
                }
                byCas.put(number, entry.name());
            }
            byName.put(normalise(entry.name()), entry.name());
            entry.synonyms().forEach(s -> byName.put(normalise(s), entry.name()));
        }
    }

    private static List<Entry> load(ObjectMapper json, String resource) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("watch list " + resource + " not found on the class path");
            }
            return json.readerFor(Document.class).without(
                    com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .<Document>readValue(in).entries();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read watch list " + resource, e);
        }
    }

    /** The watch-list names hit by these substances, in report order, each once. */
    public List<String> hits(List<Substance> substances) {
        Set<String> hits = new LinkedHashSet<>();
        for (Substance substance : substances) {
            String byNumber = substance.casNumber() == null ? null : byCas.get(cas(substance.casNumber()));
            if (byNumber != null) {
                hits.add(byNumber);
            }
            if (substance.name() != null) {
                namesIn(substance.name()).stream().map(n -> byName.get(normalise(n))).filter(Objects::nonNull)
                        .forEach(hits::add);
            }
        }
        return new ArrayList<>(hits);
    }

    /**
     * The name as written, and where it ends in a bracketed name the two apart: {@code N-苯乙基-4-哌啶酮（NPP）}, as a
     * Chinese report writes a precursor beside its short name, is NPP whichever of them the list knows.
     */
    static List<String> namesIn(String name) {
        Matcher bracketed = BRACKETED.matcher(Normalizer.normalize(name, Normalizer.Form.NFKC));
        return bracketed.matches() ? List.of(name, bracketed.group(1), bracketed.group(2)) : List.of(name);
    }

    /**
     * Compatibility forms folded (a full-width 4－ANPP, as Chinese input methods write it, is 4-ANPP), then case, and
     * every space and dash of any script dropped (a no-break space, U+2212 minus), and all that shows nothing
     * ({@link HasText.Validator#showsNothing}: a zero-width space, a soft hyphen from a hyphenated PDF, a variation
     * selector): none of them hides a hit.
     */
    static String normalise(String name) {
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

    /** A CAS number as the list writes it: 0437-38-7, zero-padded as some systems write it, is fentanyl's 437-38-7. */
    static String cas(String number) {
        return number.replaceFirst("^0+(?=\\d)", "");
    }
}
