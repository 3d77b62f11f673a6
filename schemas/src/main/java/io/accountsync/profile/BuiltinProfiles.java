package io.accountsync.profile;

import io.accountsync.model.Fields;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the configuration knows about the built-in application profiles ({@code trac},
 * {@code mediawiki}, {@code moodle}) before any profile is bound to a database: their names, their
 * default table prefixes and password schemes, and the canonical fields each can store. The
 * profile classes and the configuration both read these, so that a default is stated once.
 */
public final class BuiltinProfiles {

    /** Trac with the AccountManager plugin: accounts in {@code session} / {@code session_attribute}. */
    public static final String TRAC = "trac";
    /** MediaWiki: accounts in {@code user}. */
    public static final String MEDIAWIKI = "mediawiki";
    /** Moodle: accounts in {@code user} (with the table prefix, {@code mdl_user} by default). */
    public static final String MOODLE = "moodle";

    /** The built-in profile types, in the order the documentation lists them: trac, mediawiki, moodle. */
    public static final Set<String> TYPES = ordered(TRAC, MEDIAWIKI, MOODLE);

    private static final Set<String> TRAC_FIELDS =
            ordered(Fields.DISPLAY_NAME, Fields.EMAIL, Fields.EMAIL_VERIFIED, Fields.PASSWORD);
    private static final Set<String> MEDIAWIKI_FIELDS =
            ordered(Fields.DISPLAY_NAME, Fields.EMAIL, Fields.EMAIL_VERIFIED, Fields.PASSWORD);
    private static final Set<String> MOODLE_FIELDS = ordered(Fields.DISPLAY_NAME, Fields.GIVEN_NAME, Fields.FAMILY_NAME,
            Fields.EMAIL, Fields.EMAIL_VERIFIED, Fields.PASSWORD, Fields.STATUS);

    private BuiltinProfiles() {
    }

    /** Whether {@code type} names a built-in profile (null is not one; neither is {@code generic}). */
    public static boolean isBuiltin(String type) {
        return type != null && TYPES.contains(type);
    }

    /**
     * The table prefix an installation of this application uses unless configured otherwise:
     * {@code mdl_} for Moodle, none ({@code ""}) for Trac and MediaWiki.
     *
     * @throws IllegalArgumentException when {@code type} is not a built-in profile
     */
    public static String defaultTablePrefix(String type) {
        return switch (check(type)) {
            case MOODLE -> "mdl_";
            default -> "";
        };
    }

    /**
     * The password hash scheme of an installation of this application unless configured otherwise;
     * hashes only travel between environments of one scheme.
     * <ul>
     * <li>{@code trac}: {@code htdigest}, the AccountManager plugin's default {@code HtDigestHashMethod}
     *     (MD5 of {@code user:realm:password});</li>
     * <li>{@code mediawiki}: {@code mediawiki}, MediaWiki's typed hashes ({@code :pbkdf2:…}, {@code :B:…},
     *     {@code :A:…}), which name their own algorithm;</li>
     * <li>{@code moodle}: {@code moodle}, the crypt-style hashes Moodle verifies ({@code $6$…} SHA-512
     *     crypt, {@code $2y$…} bcrypt).</li>
     * </ul>
     *
     * @throws IllegalArgumentException when {@code type} is not a built-in profile
     */
    public static String defaultPasswordScheme(String type) {
        return switch (check(type)) {
            case TRAC -> "htdigest";
            case MEDIAWIKI -> "mediawiki";
            default -> "moodle";
        };
    }

    /**
     * The canonical fields, besides {@code username}, that this application can store, in
     * {@link Fields#BUILT_IN} order:
     * <ul>
     * <li>{@code trac}: display_name, email, email_verified, password;</li>
     * <li>{@code mediawiki}: display_name, email, email_verified, password;</li>
     * <li>{@code moodle}: display_name, given_name, family_name, email, email_verified, password, status.</li>
     * </ul>
     *
     * @throws IllegalArgumentException when {@code type} is not a built-in profile
     */
    public static Set<String> fields(String type) {
        return switch (check(type)) {
            case TRAC -> TRAC_FIELDS;
            case MEDIAWIKI -> MEDIAWIKI_FIELDS;
            default -> MOODLE_FIELDS;
        };
    }

    private static String check(String type) {
        if (!isBuiltin(type)) {
            throw new IllegalArgumentException("not a built-in profile type: '" + type + "' (built in: "
                    + String.join(", ", TYPES) + ")");
        }
        return type;
    }

    /** An unmodifiable set that iterates in the given order. */
    private static Set<String> ordered(String... values) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(values)));
    }
}
