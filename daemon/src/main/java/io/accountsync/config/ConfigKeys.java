package io.accountsync.config;

import io.accountsync.connect.Secret;
import io.accountsync.model.Dialect;
import io.accountsync.model.Fields;
import io.accountsync.profile.BuiltinProfiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every configuration key, declared once: path, type, default, validation and doc. The binder
 * takes defaults, unknown-key detection and type checks from here, and {@link ConfigReference}
 * generates the README's table from here. Sections ({@code metrics}, {@code environments.<name>.connection})
 * are the prefixes of the declared paths.
 */
public final class ConfigKeys {

    // Declared before the keys: each key registers itself in declaration order.
    private static final List<ConfigKey<?>> DECLARED = new ArrayList<>();

    private static final String ENV = "environments." + ConfigKey.NAME + ".";

    /** Profile keys that only some profile types take, with those types in order; declared before the keys. */
    private static final Map<String, List<String>> PROFILE_TYPES_OF_KEY = new HashMap<>();
    private static final Set<String> GENERIC_ONLY = Set.of(ProfileConfig.GENERIC);
    private static final String GENERIC_WHEN = "`type: generic`";

    public static final ConfigKey<Path> DATA_DIR = declare(ConfigKey.optional("data_dir", ValueType.path(),
            Path.of("accountsync-data"),
            "Working directory for the state store and SQL files; relative paths resolve against the config file's directory."));
    public static final ConfigKey<Boolean> DRY_RUN = declare(ConfigKey.optional("dry_run", ValueType.bool(), true,
            "Write nothing to any environment; write the statements to `<sql_dir>/<env>.sql` instead."));
    public static final ConfigKey<Path> SQL_DIR = declare(ConfigKey.derived("sql_dir", ValueType.path(), "`<data_dir>/sql`",
            "Where dry runs write one SQL file per environment."));
    public static final ConfigKey<List<String>> SYNC_FIELDS = declare(ConfigKey.optional("sync_fields", ValueType.fieldList(),
            Fields.DEFAULT_SYNC,
            "Canonical fields kept in line: built-in fields except `username`, or custom fields of a generic mapping; "
                    + "each must be stored by some environment's profile. Others are never written. "
                    + "`email` brings `email_verified` along (never listed alone); `password` needs one `password_scheme` "
                    + "(explicit, or a built-in profile's default) for all enabled environments that store it."));

    public static final ConfigKey<ConflictPolicy> CONFLICTS_POLICY = declare(ConfigKey.optional("conflicts.policy",
            ValueType.choice(List.of(ConflictPolicy.values()), ConflictPolicy::configName), ConflictPolicy.SKIP,
            "When environments disagree: `skip`: leave the account alone everywhere and record the conflict for an operator; "
                    + "`newer`: the environment where the user was active last wins (at bootstrap by the profile's last-activity column, "
                    + "while streaming by the later source commit); `priority`: the first environment of `conflicts.priority` that holds the account wins."));
    public static final ConfigKey<Granularity> CONFLICTS_GRANULARITY = declare(ConfigKey.optional("conflicts.granularity",
            ValueType.choice(List.of(Granularity.values()), Granularity::configName), Granularity.RECORD,
            "`record`: one conflicting field holds back the whole account; `field`: each field's conflict is handled on its own, the account's other fields still sync."));
    public static final ConfigKey<List<String>> CONFLICTS_PRIORITY = declare(ConfigKey.optional("conflicts.priority",
            ValueType.nameList("environment", EnvironmentConfig.NAME), null,
            "Configured environments, first wins; required with `policy: priority` and only used with it."));

    public static final ConfigKey<String> STATE_STORE_URL = declare(ConfigKey.derived("state_store.url",
            ValueType.jdbcUrl("jdbc:postgresql:", "jdbc:h2:"), "H2 file `<data_dir>/state/accountsync`",
            "JDBC URL of accountsync's own database (PostgreSQL for production and for more than one daemon)."));
    public static final ConfigKey<String> STATE_STORE_USER = declare(ConfigKey.optional("state_store.user", ValueType.string(), null,
            "State store user."));
    public static final ConfigKey<Secret> STATE_STORE_PASSWORD = declare(ConfigKey.optional("state_store.password", ValueType.secret(), null,
            "State store password, from an environment variable; not together with `password_file`."));
    public static final ConfigKey<Secret> STATE_STORE_PASSWORD_FILE = declare(ConfigKey.optional("state_store.password_file",
            ValueType.secretFile(), null,
            "File holding the state store password (trailing newline dropped); not together with `password`."));

    public static final ConfigKey<Boolean> METRICS_ENABLED = declare(ConfigKey.optional("metrics.enabled", ValueType.bool(), true,
            "Serve Prometheus `/metrics`, `/health/live`, `/health/ready` (also `/health`) and `/status` (JSON)."));
    public static final ConfigKey<String> METRICS_HOST = declare(ConfigKey.optional("metrics.host", ValueType.string(), "127.0.0.1",
            "Address the metrics endpoint binds to."));
    public static final ConfigKey<Integer> METRICS_PORT = declare(ConfigKey.optional("metrics.port", ValueType.integer(0, 65535), 9464,
            "Port of the metrics endpoint; 0 picks a free port."));

    public static final ConfigKey<Integer> APPLY_BATCH_SIZE = declare(ConfigKey.optional("apply.batch_size",
            ValueType.integer(1, ApplyConfig.MAX_BATCH_SIZE), 500,
            "Patches written per transaction."));
    public static final ConfigKey<Duration> APPLY_RETRY_INITIAL = declare(ConfigKey.optional("apply.retry_initial", ValueType.duration(),
            Duration.ofMillis(500),
            "First wait after a retriable write failure; waits double from here."));
    public static final ConfigKey<Duration> APPLY_RETRY_MAX = declare(ConfigKey.optional("apply.retry_max", ValueType.duration(),
            Duration.ofSeconds(30),
            "Longest wait between retries; not shorter than `apply.retry_initial`."));

    public static final ConfigKey<List<String>> ENVIRONMENTS = declare(ConfigKey.required("environments",
            ValueType.entries("environment", EnvironmentConfig.NAME),
            "The application databases, at least one, keyed by a name matching `" + EnvironmentConfig.NAME.pattern() + "`."));
    public static final ConfigKey<Dialect> DIALECT = declare(ConfigKey.required(ENV + "dialect",
            ValueType.choice(List.of(Dialect.values()), Dialect::configName),
            "Database family."));
    public static final ConfigKey<Boolean> ENABLED = declare(ConfigKey.optional(ENV + "enabled", ValueType.bool(), true,
            "Whether the daemon serves this environment at all."));
    public static final ConfigKey<Role> ROLE = declare(ConfigKey.optional(ENV + "role",
            ValueType.choice(List.of(Role.values()), Role::configName), Role.BOTH,
            "`both`; `source`: read, never written; `target`: written, never read."));
    public static final ConfigKey<Boolean> CREATE_MISSING = declare(ConfigKey.optional(ENV + "create_missing", ValueType.bool(), true,
            "Create here the accounts that exist in other environments."));

    public static final ConfigKey<String> HOST = declare(ConfigKey.required(ENV + "connection.host", ValueType.string(),
            "Database host name or address."));
    public static final ConfigKey<Integer> PORT = declare(ConfigKey.derived(ENV + "connection.port", ValueType.integer(1, 65535),
            "per dialect: 5432 postgresql, 3306 mariadb/mysql",
            "Database port."));
    public static final ConfigKey<String> DATABASE = declare(ConfigKey.required(ENV + "connection.database", ValueType.string(),
            "Database name."));
    public static final ConfigKey<String> USER = declare(ConfigKey.required(ENV + "connection.user", ValueType.string(),
            "Database user."));
    public static final ConfigKey<Secret> PASSWORD = declare(ConfigKey.optional(ENV + "connection.password", ValueType.secret(), null,
            "Password from an environment variable; exactly one of `password` and `password_file`. Literal passwords are refused."));
    public static final ConfigKey<Secret> PASSWORD_FILE = declare(ConfigKey.optional(ENV + "connection.password_file",
            ValueType.secretFile(), null,
            "File holding the password (trailing newline dropped); exactly one of `password` and `password_file`."));

    public static final ConfigKey<String> PROFILE_TYPE = declare(ConfigKey.required(ENV + "profile.type", profileType(),
            "How the application stores accounts: `generic` maps one users table (the keys marked generic); "
                    + "`trac` (with the AccountManager plugin), `mediawiki` and `moodle` know their application's tables."));
    public static final ConfigKey<String> PROFILE_SCHEMA = declare(ConfigKey.derived(ENV + "profile.schema", ValueType.string(),
            "`public`, or the connection's database; mediawiki on PostgreSQL: the profile's choice",
            "PostgreSQL schema, or MariaDB/MySQL database, of the profile's tables (generic: of the users table)."));
    public static final ConfigKey<String> PROFILE_TABLE_PREFIX = declare(onlyFor(BuiltinProfiles.TYPES, ConfigKey.derived(
            ENV + "profile.table_prefix", ValueType.matching(ProfileConfig.TABLE_PREFIX, "a table prefix"),
            "per profile: `mdl_` for moodle, none for trac and mediawiki",
            "prefix of the application's table names (MediaWiki's `$wgDBprefix`, Moodle's `$CFG->prefix`); `\"\"` for none.")));
    public static final ConfigKey<Long> PROFILE_MNETHOSTID = declare(onlyFor(Set.of(BuiltinProfiles.MOODLE), ConfigKey.optional(
            ENV + "profile.mnethostid", ValueType.longAtLeast(1), 1L,
            "the `mnethostid` of this site's own accounts (`$CFG->mnet_localhost_id`, usually 1).")));
    public static final ConfigKey<String> PROFILE_PASSWORD_SCHEME = declare(ConfigKey.derived(ENV + "profile.password_scheme",
            ValueType.string(),
            "per profile: `htdigest` for trac, `mediawiki` for mediawiki, `moodle` for moodle; not set for generic",
            "Hash scheme of the stored passwords; passwords only travel between environments of one scheme. "
                    + "generic: of the column mapped to `password` (e.g. bcrypt, sha512crypt, pbkdf2); "
                    + "built-in profiles: set it only when the installation hashes otherwise than the application's default."));
    public static final ConfigKey<String> PROFILE_TABLE = declare(onlyFor(GENERIC_ONLY, ConfigKey.requiredWhen(ENV + "profile.table",
            ValueType.string(), GENERIC_WHEN,
            "the users table.")));
    public static final ConfigKey<String> PROFILE_KEY_COLUMN = declare(onlyFor(GENERIC_ONLY, ConfigKey.requiredWhen(
            ENV + "profile.key_column", ValueType.string(), GENERIC_WHEN,
            "the column that identifies a row (may be the username column).")));
    public static final ConfigKey<String> PROFILE_USERNAME_COLUMN = declare(onlyFor(GENERIC_ONLY, ConfigKey.requiredWhen(
            ENV + "profile.username_column", ValueType.string(), GENERIC_WHEN,
            "the column holding the username.")));
    public static final ConfigKey<Map<String, String>> PROFILE_FIELDS = declare(onlyFor(GENERIC_ONLY, ConfigKey.requiredWhen(
            ENV + "profile.fields", ValueType.fieldMap(), GENERIC_WHEN,
            "canonical field → column, at least one; names that are not built-in declare custom fields. "
                    + "`email_verified`: a boolean, integer 0/1 or timestamp column (verified when true, non-zero, non-null); "
                    + "`password`: see `password_scheme`.")));
    public static final ConfigKey<String> PROFILE_LAST_ACTIVITY_COLUMN = declare(onlyFor(GENERIC_ONLY, ConfigKey.optional(
            ENV + "profile.last_activity_column", ValueType.string(), null,
            "timestamp column telling when the user was last active.")));
    public static final ConfigKey<Boolean> PROFILE_CASE_INSENSITIVE = declare(onlyFor(GENERIC_ONLY, ConfigKey.optional(
            ENV + "profile.case_insensitive_usernames", ValueType.bool(), false,
            "usernames that differ only in case are one person.")));

    /**
     * Debezium settings that accountsync sets itself, with why: the connection from {@code connection.*} (setting it
     * twice would hide which one wins), and the transaction markers the capture needs to keep a transaction's rows
     * together.
     */
    public static final Map<String, String> DEBEZIUM_RESERVED = Map.of(
            "database.hostname", "from connection.*", "database.port", "from connection.*",
            "database.dbname", "from connection.*", "database.user", "from connection.*",
            "database.password", "from connection.*",
            "provide.transaction.metadata", "(to true: capture keeps each transaction's rows together)");
    public static final ConfigKey<Map<String, String>> DEBEZIUM = declare(ConfigKey.derived(ENV + "debezium.*",
            ValueType.passthrough(DEBEZIUM_RESERVED), "none",
            "Passed to this environment's Debezium engine unchanged (numbers and booleans as text); not the `database.*` connection settings, nor `provide.transaction.metadata` (always on: capture keeps each transaction's rows together)."));

    /** Every key, in declaration order (the reference's order). */
    public static final List<ConfigKey<?>> ALL = List.copyOf(DECLARED);

    private ConfigKeys() {
    }

    private static <T> ConfigKey<T> declare(ConfigKey<T> key) {
        if (DECLARED.stream().anyMatch(k -> k.path().equals(key.path()))) {
            throw new IllegalStateException("config key declared twice: " + key.path());
        }
        DECLARED.add(key);
        return key;
    }

    /**
     * Registers a profile key that only the given profile types take, and heads its doc with them
     * ("`generic` only: ..."). The binder refuses the key under any other type.
     */
    private static <T> ConfigKey<T> onlyFor(Set<String> types, ConfigKey<T> key) {
        List<String> ordered = ProfileConfig.KNOWN_TYPES.stream().filter(types::contains).toList();
        if (ordered.size() != types.size()) {
            throw new IllegalStateException(key.path() + ": unknown profile type among " + types);
        }
        PROFILE_TYPES_OF_KEY.put(key.path(), ordered);
        String label = ordered.stream().map(t -> "`" + t + "`").collect(Collectors.joining(", ")) + " only: ";
        return new ConfigKey<>(key.path(), key.type(), key.required(), key.defaultValue(), key.defaultDoc(), label + key.doc());
    }

    /**
     * The profile types that take a key, in {@link ProfileConfig#KNOWN_TYPES} order: every type for
     * keys that are not profile-specific.
     */
    public static List<String> profileTypesOf(ConfigKey<?> key) {
        return PROFILE_TYPES_OF_KEY.getOrDefault(key.path(), ProfileConfig.KNOWN_TYPES);
    }

    private static ValueType<String> profileType() {
        return ValueType.simple(String.join(" | ", ProfileConfig.KNOWN_TYPES), (node, ctx) -> {
            if (node.isTextual() && ProfileConfig.KNOWN_TYPES.contains(node.textValue())) {
                return node.textValue();
            }
            String known = String.join(", ", ProfileConfig.KNOWN_TYPES);
            ctx.problem(node.isTextual()
                    ? "unknown profile type '" + node.textValue() + "' (known: " + known + ")"
                    : "must be a profile type (known: " + known + "), got " + ValueType.shown(node));
            return null;
        });
    }

    /** The key declared at a path pattern (with {@code <name>} in place of names), or null. */
    public static ConfigKey<?> find(String pattern) {
        for (ConfigKey<?> k : ALL) {
            if (k.path().equals(pattern)) {
                return k;
            }
        }
        return null;
    }

    /** Whether a path pattern is a section: a prefix of declared keys without being one. */
    public static boolean isSection(String pattern) {
        return pattern.isEmpty() || (find(pattern) == null && ALL.stream().anyMatch(k -> k.path().startsWith(pattern + ".")));
    }

    /** The keys a section may hold, in declaration order (for "unknown key" messages). */
    public static List<String> childrenOf(String sectionPattern) {
        String prefix = sectionPattern.isEmpty() ? "" : sectionPattern + ".";
        Set<String> names = new LinkedHashSet<>();
        for (ConfigKey<?> k : ALL) {
            if (k.path().startsWith(prefix)) {
                String next = k.path().substring(prefix.length()).split("\\.", 2)[0];
                if (!next.equals(ConfigKey.NAME) && !next.equals("*")) {
                    names.add(next);
                }
            }
        }
        return List.copyOf(names);
    }
}
