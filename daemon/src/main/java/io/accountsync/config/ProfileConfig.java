package io.accountsync.config;

import io.accountsync.profile.AppSettings;
import io.accountsync.profile.BuiltinProfiles;
import io.accountsync.profile.GenericMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which profile an environment uses, with that profile's settings: a table mapping for
 * {@code generic}, application settings for the built-in profiles ({@code trac}, {@code mediawiki},
 * {@code moodle}; see {@link BuiltinProfiles}).
 *
 * @param type    the profile's configuration name, one of {@link #KNOWN_TYPES}
 * @param generic the table mapping when {@code type} is {@code generic}, else null
 * @param app     the application settings when {@code type} is a built-in profile, else null. As
 *                loaded, the table prefix, {@code mnethostid} and password scheme are always
 *                filled in (with the profile's defaults when not configured); the schema stays
 *                null unless configured (the profile's default). A null prefix or scheme in a
 *                record built by hand also means the profile's default.
 */
public record ProfileConfig(String type, GenericMapping generic, AppSettings app) {

    public static final String GENERIC = "generic";

    /** Profile types the loader accepts: generic, then the built-in ones. */
    public static final List<String> KNOWN_TYPES = knownTypes();

    /** Table prefixes of built-in profiles: letters, digits and underscores, at most 32 (may be empty). */
    public static final Pattern TABLE_PREFIX = Pattern.compile("[A-Za-z0-9_]{0,32}");

    public ProfileConfig {
        Objects.requireNonNull(type, "type");
        if (!KNOWN_TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown profile type '" + type + "' (known: " + String.join(", ", KNOWN_TYPES) + ")");
        }
        if (GENERIC.equals(type)) {
            if (generic == null) {
                throw new IllegalArgumentException("a generic profile needs its mapping");
            }
            if (app != null) {
                throw new IllegalArgumentException("a generic profile has no application settings");
            }
        } else {
            if (app == null) {
                throw new IllegalArgumentException("a " + type + " profile needs its application settings");
            }
            if (generic != null) {
                throw new IllegalArgumentException("a " + type + " profile has no generic mapping");
            }
            if (app.tablePrefix() != null && !TABLE_PREFIX.matcher(app.tablePrefix()).matches()) {
                throw new IllegalArgumentException("table prefix '" + app.tablePrefix() + "' must match " + TABLE_PREFIX.pattern());
            }
            if (app.mnetHostId() < 1) {
                throw new IllegalArgumentException("mnethostid must be at least 1, got " + app.mnetHostId());
            }
        }
    }

    /** A {@code generic} profile mapping one users table. */
    public static ProfileConfig generic(GenericMapping mapping) {
        return new ProfileConfig(GENERIC, mapping, null);
    }

    /** A built-in profile ({@code trac}, {@code mediawiki}, {@code moodle}) with its settings. */
    public static ProfileConfig builtin(String type, AppSettings app) {
        return new ProfileConfig(type, null, app);
    }

    /** Whether this is one of the built-in application profiles (not {@code generic}). */
    public boolean isBuiltin() {
        return app != null;
    }

    /** The canonical fields this environment can store, besides the username. */
    public Set<String> mappedFields() {
        return isBuiltin() ? BuiltinProfiles.fields(type) : Set.copyOf(generic.fields().keySet());
    }

    /**
     * The hash scheme of this environment's passwords: the configured one, else a built-in
     * profile's default; null for a generic mapping without one. Passwords only travel between
     * environments of one scheme.
     */
    public String passwordScheme() {
        if (!isBuiltin()) {
            return generic.passwordScheme();
        }
        return app.passwordScheme() != null ? app.passwordScheme() : BuiltinProfiles.defaultPasswordScheme(type);
    }

    /** The table prefix of a built-in profile (configured, else the profile's default); null for generic. */
    public String tablePrefix() {
        if (!isBuiltin()) {
            return null;
        }
        return app.tablePrefix() != null ? app.tablePrefix() : BuiltinProfiles.defaultTablePrefix(type);
    }

    private static List<String> knownTypes() {
        List<String> types = new ArrayList<>();
        types.add(GENERIC);
        types.addAll(BuiltinProfiles.TYPES);
        return List.copyOf(types);
    }
}
