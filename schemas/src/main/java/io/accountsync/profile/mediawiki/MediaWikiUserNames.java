package io.accountsync.profile.mediawiki;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;

/**
 * MediaWiki's canonical form of a username, as {@code UserNameUtils::getCanonical} gets it from the
 * title parser: input in Unicode NFC (MediaWiki normalizes every request), bidi marks removed, runs of
 * underscores and of the whitespace the title parser knows collapsed to one space and trimmed, and the
 * first character upper-cased the way {@code Language::ucfirst} does ({@code mb_convert_case} with
 * {@code MB_CASE_TITLE}, full case mapping). The user namespace is always capitalized, whatever
 * {@code $wgCapitalLinks} says.
 *
 * <p>Not covered: content languages with their own case rules (Turkish and Azerbaijani {@code i} →
 * {@code İ}), {@code $wgOverrideUcfirstCharacters}, and the validity checks (names with {@code #},
 * {@code /}, IP addresses) that make MediaWiki refuse a name rather than change it.
 */
public final class MediaWikiUserNames {

    /**
     * First characters whose full title-case mapping differs from both their simple title-case and
     * their full upper-case mapping (Unicode SpecialCasing.txt): {@code ß} becomes {@code Ss}, not
     * {@code SS}.
     */
    private static final Map<Integer, String> SPECIAL_TITLE = Map.ofEntries(
            Map.entry(0x00DF, "Ss"),
            Map.entry(0xFB00, "Ff"), Map.entry(0xFB01, "Fi"), Map.entry(0xFB02, "Fl"), Map.entry(0xFB03, "Ffi"),
            Map.entry(0xFB04, "Ffl"), Map.entry(0xFB05, "St"), Map.entry(0xFB06, "St"),
            Map.entry(0x0587, "\u0535\u0582"),
            Map.entry(0xFB13, "\u0544\u0576"), Map.entry(0xFB14, "\u0544\u0565"), Map.entry(0xFB15, "\u0544\u056B"),
            Map.entry(0xFB16, "\u054E\u0576"), Map.entry(0xFB17, "\u0544\u056D"),
            Map.entry(0x1FB2, "\u1FBA\u0345"), Map.entry(0x1FB4, "\u0386\u0345"), Map.entry(0x1FC2, "\u1FCA\u0345"),
            Map.entry(0x1FC4, "\u0389\u0345"), Map.entry(0x1FF2, "\u1FFA\u0345"), Map.entry(0x1FF4, "\u038F\u0345"),
            Map.entry(0x1FB7, "\u0391\u0342\u0345"), Map.entry(0x1FC7, "\u0397\u0342\u0345"),
            Map.entry(0x1FF7, "\u03A9\u0342\u0345"));

    private MediaWikiUserNames() {
    }

    /** The name as MediaWiki stores it in {@code user_name}; null for null. */
    public static String canonical(String raw) {
        if (raw == null) {
            return null;
        }
        String s = Normalizer.normalize(raw, Normalizer.Form.NFC);
        StringBuilder b = new StringBuilder(s.length());
        boolean pendingSpace = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (isBidiMark(cp)) {
                continue;
            }
            if (isTitleSpace(cp)) {
                pendingSpace = b.length() > 0; // leading runs are trimmed
                continue;
            }
            if (pendingSpace) {
                b.append(' ');
                pendingSpace = false;
            }
            b.appendCodePoint(cp);
        }
        return ucfirst(b.toString());
    }

    /** {@code Language::ucfirst}: the first character in title case, the rest unchanged. */
    static String ucfirst(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int cp = s.codePointAt(0);
        return titleCase(cp) + s.substring(Character.charCount(cp));
    }

    private static String titleCase(int cp) {
        String special = SPECIAL_TITLE.get(cp);
        if (special != null) {
            return special;
        }
        int title = Character.toTitleCase(cp);
        if (title != cp) {
            return Character.toString(title);
        }
        // Characters without a simple mapping whose full mapping expands (ŉ → ʼN, ǰ → J̌): there the
        // title case equals the upper case. A character that is its own title case (ǅ) stays.
        String upper = Character.toString(cp).toUpperCase(Locale.ROOT);
        return upper.codePointCount(0, upper.length()) > 1 ? upper : Character.toString(cp);
    }

    /** Left-to-right/right-to-left marks and embedding/override controls, which titles drop. */
    private static boolean isBidiMark(int cp) {
        return cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E);
    }

    /** The characters the title parser turns into underscores (shown as spaces in names). */
    private static boolean isTitleSpace(int cp) {
        return cp == ' ' || cp == '_' || cp == 0x00A0 || cp == 0x1680 || cp == 0x180E
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }
}
