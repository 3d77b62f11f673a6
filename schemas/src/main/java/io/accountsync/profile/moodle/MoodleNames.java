package io.accountsync.profile.moodle;

import io.accountsync.model.Fields;
import java.util.Map;

/**
 * Between one canonical display name and Moodle's two name columns.
 *
 * <p><b>Reading</b>: {@code display_name = firstname + " " + lastname}, with leading and trailing
 * spaces (U+0020, as SQL {@code TRIM} removes them) cut off; {@code given_name = firstname},
 * {@code family_name = lastname}.
 *
 * <p><b>Writing</b> ({@link #forWrite}):
 * <ol>
 * <li>A patch that carries both {@code given_name} and {@code family_name} writes them as they are.</li>
 * <li>A patch that carries only {@code display_name} splits it at the first whitespace character:
 *     {@code firstname} is the first word, {@code lastname} the rest ("Ana María García" →
 *     "Ana" / "María García"). Whitespace is what {@link Character#isWhitespace} says: the
 *     ideographic space U+3000 splits, the no-break spaces (U+00A0, U+2007, U+202F) do not, so
 *     "Jean-Pierre" and "Jean&#92;u00A0Pierre" stay one word.</li>
 * <li>A name without whitespace ("Madonna", CJK names written without a space such as "佐藤美咲")
 *     becomes {@code firstname} = the name, {@code lastname} = "" (empty). Moodle's column allows
 *     it, and the name reads back exactly as written; a placeholder such as "-" would read back as
 *     "Madonna -" and so turn every write into a change of the canonical name. Moodle's own form
 *     asks the user for a last name the next time they edit their profile.</li>
 * <li>A patch with {@code display_name} and only one of the two parts uses that part and takes
 *     the other from the display name: what follows the given name (or precedes the family name)
 *     when the display name starts (ends) with it, else the other half of the split.</li>
 * </ol>
 * The order of family and given name is never guessed: "佐藤 美咲" becomes firstname "佐藤",
 * lastname "美咲", and reads back as "佐藤 美咲".
 */
public final class MoodleNames {

    private MoodleNames() {
    }

    /**
     * Moodle's first and last name.
     *
     * @param firstname the first name to write, or null to leave {@code firstname} alone
     * @param lastname  the last name to write, or null to leave {@code lastname} alone
     */
    public record Names(String firstname, String lastname) {
    }

    /** The display name of a Moodle account: first and last name joined by one space, trimmed. */
    public static String join(String firstname, String lastname) {
        return trimSpaces(nz(firstname) + " " + nz(lastname));
    }

    /** Splits a display name at its first whitespace character (rules 2 and 3 of the class comment). */
    public static Names split(String displayName) {
        String s = nz(displayName).strip();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (Character.isWhitespace(cp)) {
                return new Names(s.substring(0, i), s.substring(i).strip());
            }
            i += Character.charCount(cp);
        }
        return new Names(s, "");
    }

    /** The names a patch's values write (the rules of the class comment); null parts are not written. */
    public static Names forWrite(Map<String, String> values) {
        boolean given = values.containsKey(Fields.GIVEN_NAME);
        boolean family = values.containsKey(Fields.FAMILY_NAME);
        String g = nz(values.get(Fields.GIVEN_NAME));
        String f = nz(values.get(Fields.FAMILY_NAME));
        if (given && family) {
            return new Names(g, f);
        }
        if (!values.containsKey(Fields.DISPLAY_NAME)) {
            return new Names(given ? g : null, family ? f : null);
        }
        String display = nz(values.get(Fields.DISPLAY_NAME)).strip();
        Names split = split(display);
        if (given) {
            String rest = after(display, g);
            return new Names(g, rest != null ? rest : split.lastname());
        }
        if (family) {
            String head = before(display, f);
            return new Names(head != null ? head : split.firstname(), f);
        }
        return split;
    }

    /** What follows {@code prefix} and a whitespace in {@code s}, or null when s does not start so. */
    private static String after(String s, String prefix) {
        String p = prefix.strip();
        if (p.isEmpty() || !s.startsWith(p)) {
            return null;
        }
        if (s.length() == p.length()) {
            return "";
        }
        return Character.isWhitespace(s.codePointAt(p.length())) ? s.substring(p.length()).strip() : null;
    }

    /** What precedes a whitespace and {@code suffix} in {@code s}, or null when s does not end so. */
    private static String before(String s, String suffix) {
        String x = suffix.strip();
        if (x.isEmpty() || !s.endsWith(x)) {
            return null;
        }
        int cut = s.length() - x.length();
        if (cut == 0) {
            return "";
        }
        return Character.isWhitespace(s.codePointBefore(cut)) ? s.substring(0, cut).strip() : null;
    }

    /** Cuts leading and trailing U+0020 only, exactly what SQL {@code TRIM(x)} does. */
    static String trimSpaces(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == ' ') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(start, end);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
