package org.cnx.intake.watchlist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class WatchlistTest {

    private final Watchlist watchlist = new Watchlist(new ObjectMapper().findAndRegisterModules(), "watchlist.json");

    private List<String> hits(String name, String cas) {
        return watchlist.hits(List.of(new Watchlist.Substance(name, cas)));
    }

    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        // every CAS number DESIGN lists: a lab report may give the number alone
        "industrial chemical     | 21409-26-7  | ANPP",
        "industrial chemical     | 39742-60-4  | NPP",
        "industrial chemical     | 23056-29-3  | 4-AP",
        "industrial chemical     | 125541-22-2 | 1-boc-4-AP",
        "industrial chemical     | 1609-66-1   | norfentanyl",
        "industrial chemical     | 41661-47-6  | 4-piperidone",
        "industrial chemical     | 79099-07-3  | 1-boc-4-piperidone",
        "4-ANPP                  |             | ANPP",
        "4 anpp                  |             | ANPP",
        "Despropionyl Fentanyl   |             | ANPP",
        "despropionyl-fentanyl   |             | ANPP",
        "N-Phenethyl-4-piperidone|             | NPP",
        "NPP                     |             | NPP",
        "4-anilinopiperidine     |             | 4-AP",
        "1-Boc-4-AP              |             | 1-boc-4-AP",
        "norfentanyl             |             | norfentanyl",
        "piperidin-4-one         |             | 4-piperidone",
        "N-Boc-4-piperidone      |             | 1-boc-4-piperidone",
        "FENTANYL                |             | fentanyl",
        "unknown powder          | 437-38-7    | fentanyl",
        // zero-padded, as some systems write CAS numbers; the check digit holds either way
        "unknown powder          | 0437-38-7   | fentanyl",
        "unknown powder          | 0000437-38-7| fentanyl",
        // a full-width hyphen (Chinese input methods), a no-break space, a minus sign, full-width letters
        "4\uFF0DANPP              |             | ANPP",
        "4\u00A0ANPP              |             | ANPP",
        "4\u2212ANPP              |             | ANPP",
        "\uFF21\uFF2E\uFF30\uFF30  |             | ANPP",
        // the salts and hydrates a substance is traded as, and the names catalogues give it: each missed before
        "industrial chemical     | 40064-34-4  | 4-piperidone",
        "industrial chemical     | 41979-39-9  | 4-piperidone",
        "industrial chemical     | 990-73-8    | fentanyl",
        "fentanyl citrate        |             | fentanyl",
        "1-(2-Phenylethyl)-4-piperidone |      | NPP",
        "N-Phenyl-4-piperidinamine |           | 4-AP",
        "4-Anilino-1-Boc-piperidine |          | 1-boc-4-AP",
        // the names a Chinese report gives, as the PRC's catalogue of precursor chemicals writes them
        "芬太尼                    |             | fentanyl",
        "枸橼酸芬太尼               |             | fentanyl",
        "N-苯乙基-4-哌啶酮          |             | NPP",
        "4-苯胺基-N-苯乙基哌啶      |             | ANPP",
        "4-苯胺基哌啶               |             | 4-AP",
        "1-叔丁氧羰基-4-苯胺基哌啶   |             | 1-boc-4-AP",
        "去甲芬太尼                 |             | norfentanyl",
        "4-哌啶酮盐酸盐             |             | 4-piperidone",
        "N-叔丁氧羰基-4-哌啶酮       |             | 1-boc-4-piperidone",
        // a name beside another in brackets (full-width ones too): either may be the one the list knows
        "N-苯乙基-4-哌啶酮（NPP）    |             | NPP",
        "未知化学品（4-ANPP）        |             | ANPP",
        "ANPP (intermediate)       |             | ANPP",
        "industrial chemical (fentanyl citrate) | | fentanyl",
        // invisible format characters: a zero-width space, a soft hyphen from a hyphenated PDF, marks of direction
        "ANPP\u200B               |             | ANPP",
        "4-pi\u00ADperidone        |             | 4-piperidone",
        "\u200Efentanyl\u200F     |             | fentanyl",
        "\uFEFFnorfentanyl         |             | norfentanyl",
        // and what else shows nothing: a variation selector, the combining grapheme joiner, a Hangul filler
        "ANPP\uFE0F                |             | ANPP",
        "芬太尼\u034F               |             | fentanyl",
        "4-AP\u3164                |             | 4-AP",
    })
    void matchesByCasNumberOrNormalisedNameOrSynonym(String name, String cas, String expected) {
        assertEquals(List.of(expected), hits(name, cas));
    }

    @Test
    void unlistedSubstancesDoNotMatch() {
        assertEquals(List.of(), hits("acetone", "67-64-1"));
        assertEquals(List.of(), hits("4-ANPPX", null));
        assertEquals(List.of(), hits("acetone (solvent)", null));
        assertEquals(List.of(), hits("(ANPP", null));
    }

    @Test
    void aNameAndTheOneInBracketsBesideItAreEachCounted() {
        assertEquals(List.of("ANPP", "NPP"), hits("4-ANPP (NPP)", null));
    }

    @Test
    void eachHitIsListedOnceInReportOrder() {
        assertEquals(List.of("NPP", "ANPP"), watchlist.hits(List.of(
                new Watchlist.Substance("NPP", "39742-60-4"),
                new Watchlist.Substance("4-ANPP", null),
                new Watchlist.Substance("ANPP", "21409-26-7"))));
    }

    @Test
    void aListWithAWrongCasNumberIsRefusedAtStartup() {
        assertThrows(IllegalStateException.class,
                () -> new Watchlist(List.of(new Watchlist.Entry("ANPP", "21409-26-8", List.of(), List.of()))));
        assertThrows(IllegalStateException.class, () -> new Watchlist(List.of(new Watchlist.Entry("ANPP",
                "21409-26-7", List.of("21409-26-8"), List.of()))));
    }
}
