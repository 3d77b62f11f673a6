package io.accountsync.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.accountsync.connect.ConnectionSettings;
import io.accountsync.connect.Secret;
import io.accountsync.model.Dialect;
import io.accountsync.model.Fields;
import io.accountsync.profile.AppSettings;
import io.accountsync.profile.BuiltinProfiles;
import io.accountsync.profile.GenericMapping;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Binds a YAML tree to {@link AccountsyncConfig} in two steps. First it walks the tree against
 * {@link ConfigKeys}: unknown keys, wrong shapes and wrong values are reported, good values kept by
 * path. Then it assembles the records, taking defaults and required-ness from the same
 * declarations, and runs the checks that span keys. Every problem is collected; records are built
 * only when there is none.
 */
final class ConfigBinder {

    private final Path configFile;
    private final Path baseDir;
    private final Function<String, String> env;
    private final List<ConfigProblem> problems;

    /** Values read from the file, by concrete path. */
    private final Map<String, Object> values = new HashMap<>();
    /** Paths whose value or section was present but unusable (already reported). */
    private final Set<String> failed = new HashSet<>();
    /** Sections present in the file (as mappings), by concrete path; the root is "". */
    private final Set<String> sections = new HashSet<>();
    /** Paths already reported as missing, so that a missing section is reported once. */
    private final Set<String> reportedMissing = new HashSet<>();
    /** Environment entries that are mappings, in file order (badly named ones too: their keys are still checked). */
    private final List<String> entryNames = new ArrayList<>();

    ConfigBinder(Path configFile, Function<String, String> env, List<ConfigProblem> problems) {
        this.configFile = configFile;
        this.baseDir = configFile.getParent();
        this.env = env;
        this.problems = problems;
    }

    /** The configuration, or null when there were problems (all reported). */
    AccountsyncConfig bind(JsonNode root) {
        if (root.isNull()) {
            problems.add(new ConfigProblem("", "the file is empty"));
            return null;
        }
        if (!root.isObject()) {
            problems.add(new ConfigProblem("", "must be a YAML mapping of keys to values, got " + ValueType.shown(root)));
            return null;
        }
        walkSection(root, "", "");
        return assemble();
    }

    // ---- step 1: walk the tree against the declarations ----

    private void walkSection(JsonNode node, String path, String pattern) {
        sections.add(path);
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String childPath = join(path, e.getKey());
            String childPattern = join(pattern, e.getKey());
            JsonNode child = e.getValue();
            ConfigKey<?> key = ConfigKeys.find(childPattern);
            if (key == null) {
                key = ConfigKeys.find(childPattern + ConfigKey.PASSTHROUGH_SUFFIX);
            }
            if (key != null) {
                readValue(key, child, childPath);
                if (key.isEntries() && child.isObject()) {
                    walkEntries(child, childPath, childPattern + "." + ConfigKey.NAME);
                }
            } else if (ConfigKeys.isSection(childPattern)) {
                if (child.isObject()) {
                    walkSection(child, childPath, childPattern);
                } else if (child.isNull()) {
                    sections.add(childPath); // all of its keys commented out
                } else {
                    problems.add(new ConfigProblem(childPath, "must be a mapping, got " + ValueType.shown(child)));
                    failed.add(childPath);
                }
            } else {
                problems.add(new ConfigProblem(childPath,
                        "unknown key (known: " + String.join(", ", ConfigKeys.childrenOf(pattern)) + ")"));
            }
        }
    }

    /** Each entry of a named mapping is a section of its own ({@code environments.wiki1}). */
    private void walkEntries(JsonNode node, String path, String entryPattern) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String entryPath = join(path, e.getKey());
            if (e.getValue().isObject()) {
                entryNames.add(e.getKey());
                walkSection(e.getValue(), entryPath, entryPattern);
            } else {
                problems.add(new ConfigProblem(entryPath, "must be a mapping, got " + ValueType.shown(e.getValue())));
                failed.add(entryPath);
            }
        }
    }

    private void readValue(ConfigKey<?> key, JsonNode node, String path) {
        Object value = null;
        if (node.isNull() && !key.isPassthrough()) {
            problems.add(new ConfigProblem(path, key.required()
                    ? "has no value"
                    : "has no value: give one, or remove the key for the default"));
        } else {
            value = key.type().read(node, new ValueContext(path, baseDir, env, problems));
        }
        if (value == null) {
            failed.add(path);
        } else {
            values.put(path, value);
        }
    }

    // ---- step 2: assemble records, defaults, required keys, cross-key checks ----

    private AccountsyncConfig assemble() {
        Path dataDir = resolve(get(ConfigKeys.DATA_DIR, null));
        Boolean dryRun = get(ConfigKeys.DRY_RUN, null);
        Path givenSqlDir = resolve(get(ConfigKeys.SQL_DIR, null));
        Path sqlDir = givenSqlDir == null && dataDir != null ? dataDir.resolve("sql") : givenSqlDir;
        List<String> syncFields = get(ConfigKeys.SYNC_FIELDS, null);
        boolean syncFieldsGiven = values.containsKey(ConfigKeys.SYNC_FIELDS.path());

        StateStoreConfig stateStore = stateStore();
        MetricsConfig metrics = metrics();
        ApplyConfig apply = apply();

        Map<String, EnvironmentConfig> environments = new LinkedHashMap<>();
        Map<String, Set<String>> storedFields = new LinkedHashMap<>();
        get(ConfigKeys.ENVIRONMENTS, null); // reports it when missing
        for (String name : entryNames) {
            EnvironmentConfig envConfig = environment(name, storedFields);
            if (envConfig != null) {
                environments.put(name, envConfig);
            }
        }
        ConflictsConfig conflicts = conflicts();

        checkSyncFields(syncFields, syncFieldsGiven, storedFields);
        checkPasswords(syncFields, storedFields);
        checkDistinctTargets(environments);

        if (!problems.isEmpty()) {
            return null;
        }
        return build("", () -> new AccountsyncConfig(configFile, dataDir, dryRun, sqlDir, syncFields, conflicts,
                stateStore, metrics, apply, environments));
    }

    /**
     * The conflict policy. The priority list is required with {@code policy: priority} and refused
     * with any other policy (it would look like it did something); each name must be a configured
     * environment (enabled or not).
     */
    private ConflictsConfig conflicts() {
        ConflictPolicy policy = get(ConfigKeys.CONFLICTS_POLICY, null);
        Granularity granularity = get(ConfigKeys.CONFLICTS_GRANULARITY, null);
        List<String> priority = get(ConfigKeys.CONFLICTS_PRIORITY, null);
        String priorityPath = ConfigKeys.CONFLICTS_PRIORITY.path();
        boolean priorityGiven = present(ConfigKeys.CONFLICTS_PRIORITY, null);
        if (policy == ConflictPolicy.PRIORITY && !priorityGiven) {
            problems.add(new ConfigProblem(priorityPath,
                    "is required when policy is priority: list the environments, the first that holds the account wins"));
        } else if (policy != null && policy != ConflictPolicy.PRIORITY && priorityGiven) {
            problems.add(new ConfigProblem(priorityPath,
                    "only used with policy: priority (policy is " + policy.configName() + "): remove it, or set policy: priority"));
            return null;
        }
        if (priority != null) {
            boolean ok = true;
            boolean environmentsKnown = values.containsKey(ConfigKeys.ENVIRONMENTS.path());
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < priority.size(); i++) {
                String name = priority.get(i);
                String itemPath = priorityPath + "[" + i + "]";
                if (!seen.add(name)) {
                    problems.add(new ConfigProblem(itemPath, "environment '" + name + "' is listed twice"));
                    ok = false;
                } else if (environmentsKnown && !entryNames.contains(name)
                        && !failed.contains(ConfigKeys.ENVIRONMENTS.path() + "." + name)) {
                    problems.add(new ConfigProblem(itemPath, "unknown environment '" + name
                            + "' (configured: " + String.join(", ", entryNames) + ")"));
                    ok = false;
                }
            }
            if (!ok) {
                return null;
            }
        }
        if (policy == null || granularity == null || (policy == ConflictPolicy.PRIORITY && priority == null)) {
            return null;
        }
        return build("conflicts", () -> new ConflictsConfig(policy, granularity, priority));
    }

    private StateStoreConfig stateStore() {
        String url = get(ConfigKeys.STATE_STORE_URL, null);
        String user = get(ConfigKeys.STATE_STORE_USER, null);
        Secret password = get(ConfigKeys.STATE_STORE_PASSWORD, null);
        Secret passwordFile = get(ConfigKeys.STATE_STORE_PASSWORD_FILE, null);
        if (present(ConfigKeys.STATE_STORE_PASSWORD, null) && present(ConfigKeys.STATE_STORE_PASSWORD_FILE, null)) {
            problems.add(new ConfigProblem("state_store", "set password or password_file, not both"));
        }
        Secret secret = password != null ? password : passwordFile;
        return build("state_store", () -> new StateStoreConfig(url, user, secret));
    }

    private MetricsConfig metrics() {
        Boolean enabled = get(ConfigKeys.METRICS_ENABLED, null);
        String host = get(ConfigKeys.METRICS_HOST, null);
        Integer port = get(ConfigKeys.METRICS_PORT, null);
        if (enabled == null || host == null || port == null) {
            return null;
        }
        return build("metrics", () -> new MetricsConfig(enabled, host, port));
    }

    private ApplyConfig apply() {
        Integer batchSize = get(ConfigKeys.APPLY_BATCH_SIZE, null);
        Duration initial = get(ConfigKeys.APPLY_RETRY_INITIAL, null);
        Duration max = get(ConfigKeys.APPLY_RETRY_MAX, null);
        if (batchSize == null || initial == null || max == null) {
            return null;
        }
        if (max.compareTo(initial) < 0) {
            problems.add(new ConfigProblem(ConfigKeys.APPLY_RETRY_MAX.path(), "must not be shorter than "
                    + ConfigKeys.APPLY_RETRY_INITIAL.path() + " (" + ValueType.duration().format(initial) + ")"));
            return null;
        }
        return build("apply", () -> new ApplyConfig(batchSize, initial, max));
    }

    /**
     * One environment, or null when any of its keys had a problem. The fields its profile can store
     * go to {@code storedFields} as soon as they are known (a generic mapping read, a built-in type).
     */
    private EnvironmentConfig environment(String name, Map<String, Set<String>> storedFields) {
        String envPath = ConfigKeys.ENVIRONMENTS.path() + "." + name;
        Dialect dialect = get(ConfigKeys.DIALECT, name);
        Boolean enabled = get(ConfigKeys.ENABLED, name);
        Role role = get(ConfigKeys.ROLE, name);
        Boolean createMissing = get(ConfigKeys.CREATE_MISSING, name);

        String host = get(ConfigKeys.HOST, name);
        Integer port = get(ConfigKeys.PORT, name);
        if (port == null && !present(ConfigKeys.PORT, name) && dialect != null) {
            port = dialect.defaultPort();
        }
        String database = get(ConfigKeys.DATABASE, name);
        String user = get(ConfigKeys.USER, name);
        Secret password = get(ConfigKeys.PASSWORD, name);
        Secret passwordFile = get(ConfigKeys.PASSWORD_FILE, name);
        boolean hasPassword = present(ConfigKeys.PASSWORD, name);
        boolean hasPasswordFile = present(ConfigKeys.PASSWORD_FILE, name);
        String connectionPath = envPath + ".connection";
        if (hasPassword && hasPasswordFile) {
            problems.add(new ConfigProblem(connectionPath, "set password or password_file, not both"));
        } else if (!hasPassword && !hasPasswordFile && sections.contains(connectionPath)) {
            problems.add(new ConfigProblem(ConfigKeys.PASSWORD.pathFor(name),
                    "is required: set password (as ${ENV_VAR}) or password_file"));
        }
        Secret secret = password != null ? password : passwordFile;

        ProfileConfig profile = null;
        String type = get(ConfigKeys.PROFILE_TYPE, name);
        if (type != null) {
            checkProfileKeysApply(name, type);
        }
        if (ProfileConfig.GENERIC.equals(type)) {
            String schema = get(ConfigKeys.PROFILE_SCHEMA, name);
            String table = require(ConfigKeys.PROFILE_TABLE, name);
            String keyColumn = require(ConfigKeys.PROFILE_KEY_COLUMN, name);
            String usernameColumn = require(ConfigKeys.PROFILE_USERNAME_COLUMN, name);
            Map<String, String> fields = require(ConfigKeys.PROFILE_FIELDS, name);
            String lastActivity = get(ConfigKeys.PROFILE_LAST_ACTIVITY_COLUMN, name);
            Boolean caseInsensitive = get(ConfigKeys.PROFILE_CASE_INSENSITIVE, name);
            String passwordScheme = get(ConfigKeys.PROFILE_PASSWORD_SCHEME, name);
            if (fields != null) {
                storedFields.put(name, fields.keySet());
                if (passwordScheme != null && !fields.containsKey(Fields.PASSWORD)) {
                    problems.add(new ConfigProblem(ConfigKeys.PROFILE_PASSWORD_SCHEME.pathFor(name),
                            "only used when fields maps password: map the password column, or remove this"));
                }
            }
            if (table != null && keyColumn != null && usernameColumn != null && fields != null && caseInsensitive != null) {
                profile = build(envPath + ".profile", () -> ProfileConfig.generic(new GenericMapping(
                        schema, table, keyColumn, usernameColumn, fields, lastActivity, caseInsensitive, passwordScheme)));
            }
        } else if (BuiltinProfiles.isBuiltin(type)) {
            storedFields.put(name, BuiltinProfiles.fields(type));
            String schema = get(ConfigKeys.PROFILE_SCHEMA, name);
            String tablePrefix = get(ConfigKeys.PROFILE_TABLE_PREFIX, name);
            Long mnetHostId = get(ConfigKeys.PROFILE_MNETHOSTID, name);
            String passwordScheme = get(ConfigKeys.PROFILE_PASSWORD_SCHEME, name);
            if (mnetHostId != null) {
                // Defaults filled in here, so that every reader of the configuration sees the same
                // values; the schema stays null unless given (the profile's default, e.g. MediaWiki's).
                AppSettings app = new AppSettings(schema,
                        tablePrefix != null ? tablePrefix : BuiltinProfiles.defaultTablePrefix(type),
                        mnetHostId,
                        passwordScheme != null ? passwordScheme : BuiltinProfiles.defaultPasswordScheme(type));
                profile = build(envPath + ".profile", () -> ProfileConfig.builtin(type, app));
            }
        }
        Map<String, String> debezium = get(ConfigKeys.DEBEZIUM, name);

        if (hasProblemUnder(envPath)) {
            return null;
        }
        int finalPort = port;
        ProfileConfig finalProfile = profile;
        return build(envPath, () -> new EnvironmentConfig(name, dialect, enabled, role, createMissing,
                new ConnectionSettings(dialect, host, finalPort, database, user, secret), finalProfile, debezium));
    }

    /**
     * Keys that another profile type takes ({@code table} under {@code type: trac}, {@code mnethostid}
     * under anything but {@code moodle}) are refused: they would look like they did something.
     */
    private void checkProfileKeysApply(String name, String type) {
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            List<String> types = ConfigKeys.profileTypesOf(key);
            if (!types.contains(type) && present(key, name)) {
                problems.add(new ConfigProblem(key.pathFor(name), "only for profile type" + (types.size() > 1 ? "s " : " ")
                        + String.join(", ", types) + " (type is " + type + "): remove it"));
            }
        }
    }

    /**
     * Every synced field must be known: built in, or declared by a generic mapping. When the file
     * lists them, each must also be stored by some environment's profile (a generic mapping maps
     * it, or a built-in profile can store it), else the line is a typo or a leftover.
     */
    private void checkSyncFields(List<String> syncFields, boolean given, Map<String, Set<String>> storedFields) {
        if (syncFields == null) {
            return;
        }
        Set<String> mapped = new LinkedHashSet<>();
        storedFields.values().forEach(mapped::addAll);
        boolean allMappingsKnown = !hasProblemUnder(ConfigKeys.ENVIRONMENTS.path());
        for (int i = 0; i < syncFields.size(); i++) {
            String field = syncFields.get(i);
            String path = ConfigKeys.SYNC_FIELDS.path() + "[" + i + "]";
            if (!Fields.BUILT_IN.contains(field) && !mapped.contains(field)) {
                if (allMappingsKnown) {
                    problems.add(new ConfigProblem(path, "unknown field '" + field + "': not built in ("
                            + String.join(", ", builtInSyncable()) + ") and not declared by any generic mapping's fields"));
                }
            } else if (given && allMappingsKnown && !mapped.contains(field)) {
                problems.add(new ConfigProblem(path, "field '" + field + "' is mapped by no environment"));
            }
            if (field.equals(Fields.EMAIL_VERIFIED) && !syncFields.contains(Fields.EMAIL)) {
                problems.add(new ConfigProblem(path, "email_verified travels with email as one unit: "
                        + "list email instead, it brings email_verified along"));
            }
        }
    }

    /**
     * Password hashes are copied as they are, so they only make sense between environments that
     * hash alike: when {@code password} is synced, every enabled environment that stores it (a
     * generic mapping that maps it, any built-in profile) must have a scheme, all the same, and at
     * least two must store it. The scheme is the configured {@code password_scheme}, else a built-in
     * profile's default; a generic mapping without one has none. Read from the values rather than
     * the built environments, so that a problem elsewhere in an environment does not hide this one.
     */
    private void checkPasswords(List<String> syncFields, Map<String, Set<String>> storedFields) {
        if (syncFields == null || !syncFields.contains(Fields.PASSWORD)) {
            return;
        }
        boolean allKnown = !storedFields.isEmpty() && storedFields.size() == entryNames.size();
        boolean mappedAnywhere = false;
        Map<String, String> schemes = new LinkedHashMap<>(); // enabled environment -> effective scheme, or null
        for (Map.Entry<String, Set<String>> e : storedFields.entrySet()) {
            String name = e.getKey();
            if (!e.getValue().contains(Fields.PASSWORD)) {
                continue;
            }
            mappedAnywhere = true;
            Boolean enabled = get(ConfigKeys.ENABLED, name);
            String scheme = get(ConfigKeys.PROFILE_PASSWORD_SCHEME, name);
            if (enabled == null || (scheme == null && present(ConfigKeys.PROFILE_PASSWORD_SCHEME, name))) {
                allKnown = false; // already reported
                continue;
            }
            String type = get(ConfigKeys.PROFILE_TYPE, name);
            if (scheme == null && BuiltinProfiles.isBuiltin(type)) {
                scheme = BuiltinProfiles.defaultPasswordScheme(type);
            }
            if (enabled) {
                schemes.put(name, scheme);
            }
        }
        String path = ConfigKeys.SYNC_FIELDS.path();
        if (!mappedAnywhere) {
            return; // "mapped by no environment" is reported by checkSyncFields
        }
        if (schemes.size() < 2) {
            if (allKnown) {
                problems.add(new ConfigProblem(path, "password is synced but " + (schemes.isEmpty()
                        ? "no enabled environment maps it"
                        : "only one enabled environment maps it (" + schemes.keySet().iterator().next() + ")")
                        + ": it needs at least two"));
            }
            return;
        }
        if (schemes.containsValue(null) || new HashSet<>(schemes.values()).size() > 1) {
            List<String> shown = new ArrayList<>();
            schemes.forEach((env, scheme) -> shown.add(env + " (" + (scheme == null ? "none" : scheme) + ")"));
            problems.add(new ConfigProblem(path, "password cannot be synced: password hashes only travel between "
                    + "environments whose profiles declare the same hash scheme: " + String.join(", ", shown)));
        }
    }

    /**
     * The built-in counterpart of the users-table check: two environments of one application type
     * on one database, schema and table prefix are one installation. A schema left to the profile
     * counts as the same schema in both.
     */
    private void checkDistinctApplication(EnvironmentConfig e, Map<String, String> seen) {
        ConnectionSettings c = e.connection();
        ProfileConfig p = e.profile();
        String schema = p.app().schema();
        if (schema == null && !(BuiltinProfiles.MEDIAWIKI.equals(p.type()) && e.dialect() == Dialect.POSTGRESQL)) {
            schema = e.dialect() == Dialect.POSTGRESQL ? "public" : c.database();
        }
        String shownSchema = schema != null ? "schema " + schema : "the profile's default schema";
        String target = c.host().toLowerCase(Locale.ROOT) + ":" + c.port() + "/" + c.database() + "/"
                + (schema == null ? "" : schema) + "/" + p.type() + ":" + p.tablePrefix();
        String other = seen.putIfAbsent(target, e.name());
        if (other != null) {
            problems.add(new ConfigProblem(ConfigKeys.ENVIRONMENTS.path() + "." + e.name() + ".connection",
                    "same database and " + p.type() + " tables as environments." + other + " (" + c.host() + ":" + c.port() + "/"
                            + c.database() + ", " + shownSchema + ", table prefix '" + p.tablePrefix() + "')"));
        }
    }

    private static List<String> builtInSyncable() {
        return Fields.BUILT_IN.stream().filter(f -> !f.equals(Fields.USERNAME)).toList();
    }

    /**
     * Two environments must not be one users table: each would see the other's writes as its own
     * users' changes. Two environments in one database (schemas, table prefixes) are fine.
     */
    private void checkDistinctTargets(Map<String, EnvironmentConfig> environments) {
        Map<String, String> seen = new HashMap<>();
        for (EnvironmentConfig e : environments.values()) {
            ConnectionSettings c = e.connection();
            GenericMapping g = e.profile().generic();
            if (g == null) {
                checkDistinctApplication(e, seen);
                continue;
            }
            String schema = g.schema() != null ? g.schema() : (e.dialect() == Dialect.POSTGRESQL ? "public" : c.database());
            String target = c.host().toLowerCase(Locale.ROOT) + ":" + c.port() + "/" + c.database() + "/" + schema + "." + g.table();
            String other = seen.putIfAbsent(target, e.name());
            if (other != null) {
                problems.add(new ConfigProblem(ConfigKeys.ENVIRONMENTS.path() + "." + e.name() + ".connection",
                        "same database and users table as environments." + other + " (" + c.host() + ":" + c.port() + "/"
                                + c.database() + ", table " + schema + "." + g.table() + ")"));
            }
        }
    }

    // ---- lookups ----

    /**
     * The value of a key for an environment name (null for top-level keys): as read, or the
     * declared default. A missing required key is reported (once per missing section); a key that
     * was present but bad gives null without a second report.
     */
    @SuppressWarnings("unchecked")
    private <T> T get(ConfigKey<T> key, String name) {
        String path = key.pathFor(name);
        if (values.containsKey(path)) {
            return (T) values.get(path);
        }
        if (isFailed(path)) {
            return null;
        }
        if (key.required()) {
            reportMissing(path);
            return null;
        }
        return key.defaultValue();
    }

    /**
     * {@link #get} for a key that is required in this case only ({@link ConfigKey#requiredWhen}):
     * a missing one is reported like a missing required key.
     */
    private <T> T require(ConfigKey<T> key, String name) {
        T value = get(key, name);
        String path = key.pathFor(name);
        if (value == null && !isFailed(path)) {
            reportMissing(path);
        }
        return value;
    }

    /** Whether the file gives the key (usable or not). */
    private boolean present(ConfigKey<?> key, String name) {
        String path = key.pathFor(name);
        return values.containsKey(path) || failed.contains(path);
    }

    private boolean isFailed(String path) {
        for (String p = path; !p.isEmpty(); p = parent(p)) {
            if (failed.contains(p)) {
                return true;
            }
        }
        return false;
    }

    /** Reports the outermost missing section on the way to {@code path}, or the key itself. */
    private void reportMissing(String path) {
        String missing = path;
        for (String p = parent(path); !p.isEmpty() && !sections.contains(p); p = parent(p)) {
            missing = p;
        }
        if (reportedMissing.add(missing)) {
            problems.add(new ConfigProblem(missing, missing.equals(path) ? "is required" : "required section is missing"));
        }
    }

    private boolean hasProblemUnder(String path) {
        return problems.stream().anyMatch(p -> p.path().equals(path) || p.path().startsWith(path + ".")
                || p.path().startsWith(path + "["));
    }

    private Path resolve(Path p) {
        return p == null ? null : baseDir.resolve(p).normalize();
    }

    /** Builds a record; a compact constructor that still refuses becomes a problem, not a crash. */
    private <T> T build(String path, java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            problems.add(new ConfigProblem(path, "invalid: " + e.getMessage()));
            return null;
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String parent(String path) {
        int i = path.lastIndexOf('.');
        return i < 0 ? "" : path.substring(0, i);
    }
}
