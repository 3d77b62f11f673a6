package io.accountsync.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The configuration half of the bad-input corpus: one case is a file (or a change to a good one),
 * the dotted path the problem must be reported at, and a fragment of the message. Every case is
 * checked twice: through {@link ConfigLoader} (the problem, at its path), and through
 * {@code accountsync config check} (exit 2, the {@code path: message} line on stderr). Cases that
 * need the databases (unreachable host, wrong dialect for the port, missing tables) are in
 * {@code BadInputIT}.
 */
class BadConfigCorpusTest {

    /** A variable no machine sets: the corpus's "unset secret". */
    static final String UNSET = "ACCOUNTSYNC_CORPUS_SURELY_UNSET_VARIABLE";

    @TempDir
    Path dir;

    /**
     * @param name     what is wrong, in a few words (the test's display name)
     * @param yaml     the whole file; {@code @DIR@} is replaced by the case's directory
     * @param path     the dotted path the problem is reported at ({@code ""} for the file as a whole)
     * @param fragment part of the message
     * @param env      the environment variables ConfigLoader sees; {@code null}: the process's own (then
     *                 {@code config check} is run too, which always reads the process's environment)
     * @param files    files to create next to the config first: name → content ({@code null}: a directory)
     */
    record Case(String name, String yaml, String path, String fragment, Map<String, String> env,
                Map<String, String> files) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A valid one-environment file whose password comes from a file next to it. */
    static final String GOOD = """
            environments:
              wiki1:
                dialect: postgresql
                connection:
                  host: 127.0.0.1
                  database: app
                  user: sync
                  password_file: wiki1.pw
                profile:
                  type: generic
                  table: users
                  key_column: id
                  username_column: username
                  fields:
                    display_name: full_name
                    email: email
            """;

    private static final Map<String, String> PW = Map.of("wiki1.pw", "secret\n");

    /** {@link #GOOD} with the built-in moodle profile instead of the generic mapping (the profile block is last). */
    static final String MOODLE = GOOD.substring(0, GOOD.indexOf("      type: generic")) + "      type: moodle\n";

    /** A second environment on its own table, for cross-environment cases. */
    static final String SECOND = """
              wiki2:
                dialect: mariadb
                connection:
                  host: 127.0.0.1
                  database: app
                  user: sync
                  password_file: wiki1.pw
                profile:
                  type: generic
                  table: people
                  key_column: id
                  username_column: login
                  fields:
                    email: mail
            """;

    private static Case c(String name, String yaml, String path, String fragment) {
        return new Case(name, yaml, path, fragment, null, PW);
    }

    private static Case good(String name, UnaryOperator<String> change, String path, String fragment) {
        return c(name, change.apply(GOOD), path, fragment);
    }

    private static Case top(String name, String lines, String path, String fragment) {
        return c(name, lines + GOOD, path, fragment);
    }

    /** {@code lines} appended to wiki1's block (4-space indent is added). */
    private static Case envLines(String name, String lines, String path, String fragment) {
        return c(name, GOOD + lines.indent(4), path, fragment);
    }

    private static UnaryOperator<String> replace(String from, String to) {
        return s -> {
            if (!s.contains(from)) {
                throw new IllegalArgumentException("corpus case does not apply: no '" + from + "' in the file");
            }
            return s.replace(from, to);
        };
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        // ---- the file itself
        out.add(c("empty file", "", "", "the file is empty"));
        out.add(c("only a comment", "# nothing here\n", "", "the file is empty"));
        out.add(c("a list instead of a mapping", "- a\n- b\n", "", "must be a YAML mapping of keys to values, got a list"));
        out.add(c("two YAML documents", GOOD + "---\ndry_run: true\n", "", "more than one YAML document"));
        out.add(c("invalid YAML: bad indentation", "dry_run: true\nmetrics:\n  port: 1\n port: 2\n" + GOOD, "",
                "YAML syntax error at line 4, column 2"));
        out.add(c("invalid YAML: unterminated quote", "dry_run: true\nsql_dir: \"abc\n" + GOOD, "", "YAML syntax error at line"));
        out.add(c("invalid YAML: tab indentation", "metrics:\n\tport: 1\n" + GOOD, "", "YAML syntax error at line 2"));
        out.add(c("invalid YAML: unclosed flow list", "sync_fields: [email, display_name\n" + GOOD, "", "YAML syntax error at line"));
        out.add(top("YAML alias", "metrics:\n  host: &h 127.0.0.1\nstate_store:\n  user: *h\n", "state_store.user",
                "YAML aliases (*h) are not supported"));
        // ---- unknown keys
        out.add(top("unknown top-level key", "datadir: x\n", "datadir", "unknown key (known: data_dir, dry_run"));
        out.add(envLines("unknown environment key", "colour: blue", "environments.wiki1.colour",
                "unknown key (known: dialect, enabled, role, create_missing, connection, profile, debezium)"));
        out.add(good("unknown connection key", replace("host: 127.0.0.1", "hostname: 127.0.0.1"),
                "environments.wiki1.connection.hostname", "unknown key"));
        out.add(top("unknown metrics key", "metrics:\n  prot: 1\n", "metrics.prot", "unknown key (known: enabled, host, port)"));
        out.add(top("unknown conflicts key", "conflicts:\n  mode: x\n", "conflicts.mode", "unknown key (known: policy, granularity, priority)"));
        out.add(top("unknown apply key", "apply:\n  batchsize: 5\n", "apply.batchsize", "unknown key"));
        out.add(good("generic profile with an application's key", replace("type: generic", "type: generic\n      table_prefix: mw_"),
                "environments.wiki1.profile.table_prefix", "only for profile types trac, mediawiki, moodle (type is generic)"));
        // ---- duplicate keys
        out.add(top("duplicate top-level key", "dry_run: true\ndry_run: false\n", "dry_run", "duplicate key at line 2 (first at line 1)"));
        out.add(c("duplicate environment", GOOD + "  wiki1:\n    dialect: mysql\n", "environments.wiki1", "duplicate key at line"));
        out.add(good("duplicate connection key", replace("host: 127.0.0.1", "host: 127.0.0.1\n      host: 10.0.0.1"),
                "environments.wiki1.connection.host", "duplicate key"));
        out.add(good("duplicate field mapping", replace("email: email", "email: email\n        email: mail"),
                "environments.wiki1.profile.fields.email", "duplicate key"));
        // ---- wrong types
        out.add(top("boolean as a number", "dry_run: 1\n", "dry_run", "must be true or false, got 1"));
        out.add(envLines("boolean as yes", "enabled: yes", "environments.wiki1.enabled", "must be true or false, got \"yes\""));
        out.add(top("path as a number", "data_dir: 12\n", "data_dir", "must be a path (quote it), got 12"));
        out.add(top("list as a string", "sync_fields: email\n", "sync_fields", "must be a list of field names, got \"email\""));
        out.add(good("port not a number", replace("host: 127.0.0.1", "host: 127.0.0.1\n      port: abc"),
                "environments.wiki1.connection.port", "must be an integer between 1 and 65535, got \"abc\""));
        out.add(good("port out of range", replace("host: 127.0.0.1", "host: 127.0.0.1\n      port: 70000"),
                "environments.wiki1.connection.port", "must be an integer between 1 and 65535, got 70000"));
        out.add(good("port quoted", replace("host: 127.0.0.1", "host: 127.0.0.1\n      port: \"5432\""),
                "environments.wiki1.connection.port", "got \"5432\""));
        out.add(good("port zero", replace("host: 127.0.0.1", "host: 127.0.0.1\n      port: 0"),
                "environments.wiki1.connection.port", "must be an integer between 1 and 65535, got 0"));
        out.add(top("negative metrics port", "metrics:\n  port: -1\n", "metrics.port", "must be an integer between 0 and 65535, got -1"));
        out.add(top("batch size zero", "apply:\n  batch_size: 0\n", "apply.batch_size", "must be an integer between 1 and 100000, got 0"));
        out.add(envLines("unknown role", "role: writer", "environments.wiki1.role", "must be one of both, source, target, got \"writer\""));
        out.add(good("unknown dialect", replace("dialect: postgresql", "dialect: oracle"), "environments.wiki1.dialect",
                "must be one of postgresql, mariadb, mysql, got \"oracle\""));
        out.add(good("unknown profile type", replace("type: generic", "type: redmine"), "environments.wiki1.profile.type",
                "unknown profile type 'redmine' (known: generic, trac, mediawiki, moodle)"));
        out.add(good("profile type a number", replace("type: generic", "type: 3"), "environments.wiki1.profile.type",
                "must be a profile type"));
        out.add(top("scalar where a section belongs", "metrics: on\n", "metrics", "must be a mapping, got \"on\""));
        out.add(c("environments as a list", "environments: [wiki1]\n", "environments",
                "must be a mapping of name to environment, got a list"));
        out.add(top("state store URL of another database", "state_store:\n  url: mysql://x\n", "state_store.url",
                "must be a JDBC URL starting with jdbc:postgresql: or jdbc:h2:"));
        out.add(envLines("debezium value as a list", "debezium:\n  list: [1, 2]", "environments.wiki1.debezium.list",
                "must be a string, number or boolean"));
        out.add(good("create_missing as a string", replace("dialect: postgresql", "dialect: postgresql\n    create_missing: \"no\""),
                "environments.wiki1.create_missing", "must be true or false"));
        out.add(c("moodle mnethostid zero", MOODLE + "      mnethostid: 0\n", "environments.wiki1.profile.mnethostid", "got 0"));
        out.add(c("moodle key of the generic profile", MOODLE + "      key_column: id\n", "environments.wiki1.profile.key_column",
                "only for profile type generic (type is moodle)"));
        // ---- missing values
        out.add(c("no environments key", "dry_run: true\n", "environments", "is required"));
        out.add(c("no environment at all", "environments: {}\n", "environments", "at least one environment is required"));
        out.add(c("environments without value", "environments:\n", "environments", "has no value"));
        out.add(c("no connection section", """
                environments:
                  wiki1:
                    dialect: postgresql
                    profile:
                      type: generic
                      table: users
                      key_column: id
                      username_column: username
                      fields:
                        email: email
                """, "environments.wiki1.connection", "required section is missing"));
        out.add(good("no dialect", replace("    dialect: postgresql\n", ""), "environments.wiki1.dialect", "is required"));
        out.add(good("no host", replace("      host: 127.0.0.1\n", ""), "environments.wiki1.connection.host", "is required"));
        out.add(good("generic without table", replace("      table: users\n", ""), "environments.wiki1.profile.table", "is required"));
        out.add(good("generic without username column", replace("      username_column: username\n", ""),
                "environments.wiki1.profile.username_column", "is required"));
        out.add(good("generic without fields", replace("""
                      fields:
                        display_name: full_name
                        email: email
                """, "      fields: {}\n"), "environments.wiki1.profile.fields", "must map at least one field"));
        out.add(top("key without value", "sql_dir:\n", "sql_dir", "has no value: give one, or remove the key for the default"));
        // ---- secrets
        out.add(good("unset password variable", replace("password_file: wiki1.pw", "password: ${" + UNSET + "}"),
                "environments.wiki1.connection.password", "environment variable " + UNSET + " is not set"));
        out.add(new Case("empty password variable", GOOD.replace("password_file: wiki1.pw", "password: ${WIKI1_PASSWORD}"),
                "environments.wiki1.connection.password", "environment variable WIKI1_PASSWORD is empty",
                Map.of("WIKI1_PASSWORD", ""), PW));
        out.add(good("literal password", replace("password_file: wiki1.pw", "password: hunter2"),
                "environments.wiki1.connection.password", "literal passwords are not allowed: use ${ENV_VAR} or password_file"));
        out.add(good("password variable with a literal prefix", replace("password_file: wiki1.pw", "password: pre${" + UNSET + "}"),
                "environments.wiki1.connection.password", "literal passwords are not allowed"));
        out.add(new Case("missing password file", GOOD, "environments.wiki1.connection.password_file",
                "wiki1.pw does not exist", null, Map.of()));
        out.add(new Case("empty password file", GOOD, "environments.wiki1.connection.password_file", "wiki1.pw is empty",
                null, Map.of("wiki1.pw", "\n")));
        out.add(new Case("password file is a directory", GOOD, "environments.wiki1.connection.password_file", "cannot read password file",
                null, java.util.Collections.singletonMap("wiki1.pw", null)));
        out.add(good("password and password file", replace("password_file: wiki1.pw", "password_file: wiki1.pw\n      password: ${" + UNSET + "}"),
                "environments.wiki1.connection", "set password or password_file, not both"));
        out.add(good("no password at all", replace("      password_file: wiki1.pw\n", ""), "environments.wiki1.connection.password",
                "is required: set password (as ${ENV_VAR}) or password_file"));
        out.add(top("literal state store password", "state_store:\n  url: jdbc:postgresql://db/accountsync\n  user: a\n  password: hunter2\n",
                "state_store.password", "literal passwords are not allowed"));
        out.add(envLines("password passed to Debezium", "debezium:\n  database.password: x",
                "environments.wiki1.debezium.database.password", "is set by accountsync from connection.*; remove it here"));
        // ---- durations
        out.add(top("duration without unit", "apply:\n  retry_initial: 5\n", "apply.retry_initial",
                "must be a positive duration like 250ms, 5s, 2m or 1h, got 5"));
        out.add(top("duration in words", "apply:\n  retry_max: 1 minute\n", "apply.retry_max", "got \"1 minute\""));
        out.add(top("negative duration", "apply:\n  retry_initial: -5s\n", "apply.retry_initial", "must be a positive duration"));
        out.add(top("zero duration", "apply:\n  retry_initial: 0ms\n", "apply.retry_initial", "must be a positive duration"));
        out.add(top("retry_max shorter than retry_initial", "apply:\n  retry_initial: 2m\n  retry_max: 30s\n", "apply.retry_max",
                "must not be shorter than apply.retry_initial (2m)"));
        // ---- names
        out.add(good("environment name with capitals", replace("  wiki1:", "  Wiki_1:"), "environments.Wiki_1",
                "invalid environment name: must match [a-z][a-z0-9_-]{0,62}"));
        out.add(good("environment name too long", replace("  wiki1:", "  w" + "x".repeat(63) + ":"),
                "environments.w" + "x".repeat(63), "invalid environment name"));
        out.add(good("field name with a dash", replace("email: email", "email: email\n        Bad-Name: x"),
                "environments.wiki1.profile.fields.Bad-Name", "invalid field name: must match [a-z][a-z0-9_]{0,62}"));
        out.add(good("username mapped as a field", replace("email: email", "email: email\n        username: login"),
                "environments.wiki1.profile.fields.username", "map the username with username_column, not here"));
        out.add(good("empty column name", replace("email: email", "email: ''"), "environments.wiki1.profile.fields.email",
                "must be a column name, got \"\""));
        out.add(c("bad table prefix", MOODLE + "      table_prefix: mdl-x\n", "environments.wiki1.profile.table_prefix", "mdl-x"));
        out.add(top("home directory not expanded", "data_dir: ~/data\n", "data_dir", "~ is not expanded"));
        // ---- the priority list
        out.add(top("priority list without policy priority", "conflicts:\n  priority: [wiki1]\n", "conflicts.priority",
                "only used with policy: priority (policy is skip)"));
        out.add(top("policy priority without a list", "conflicts:\n  policy: priority\n", "conflicts.priority",
                "is required when policy is priority"));
        out.add(top("priority as a string", "conflicts:\n  policy: priority\n  priority: wiki1\n", "conflicts.priority",
                "must be a list of environment names, got \"wiki1\""));
        out.add(top("empty priority list", "conflicts:\n  policy: priority\n  priority: []\n", "conflicts.priority",
                "must name at least one environment"));
        out.add(top("priority names an unknown environment", "conflicts:\n  policy: priority\n  priority: [wiki1, wiki9]\n",
                "conflicts.priority[1]", "unknown environment 'wiki9' (configured: wiki1)"));
        out.add(top("priority lists an environment twice", "conflicts:\n  policy: priority\n  priority: [wiki1, wiki1]\n",
                "conflicts.priority[1]", "environment 'wiki1' is listed twice"));
        out.add(top("priority with a bad name", "conflicts:\n  policy: priority\n  priority: [Wiki1]\n", "conflicts.priority[0]",
                "must be an environment name matching"));
        out.add(top("unknown policy", "conflicts:\n  policy: oldest\n", "conflicts.policy", "must be one of skip, newer, priority, got \"oldest\""));
        out.add(top("unknown granularity", "conflicts:\n  granularity: column\n", "conflicts.granularity",
                "must be one of record, field, got \"column\""));
        // ---- synced fields
        out.add(top("unknown synced field", "sync_fields: [email, shoe_size]\n", "sync_fields[1]", "unknown field 'shoe_size'"));
        out.add(top("username synced", "sync_fields: [username, email]\n", "sync_fields[0]", "username cannot be synced"));
        out.add(top("synced field listed twice", "sync_fields: [email, email]\n", "sync_fields[1]", "field 'email' is listed twice"));
        out.add(top("no synced field", "sync_fields: []\n", "sync_fields", "must name at least one field"));
        out.add(top("email_verified without email", "sync_fields: [display_name, email_verified]\n", "sync_fields[1]",
                "email_verified travels with email as one unit"));
        out.add(top("synced field no environment maps", "sync_fields: [email, given_name]\n", "sync_fields[1]",
                "field 'given_name' is mapped by no environment"));
        out.add(c("password synced between different schemes", "sync_fields: [email, password]\n"
                        + GOOD.replace("email: email", "email: email\n        password: pw_hash\n      password_scheme: bcrypt")
                        + SECOND.replace("email: mail", "email: mail\n        password: pw\n      password_scheme: md5"),
                "sync_fields", "password hashes only travel between environments whose profiles declare the same hash scheme"));
        out.add(good("password scheme without a password column", replace("username_column: username",
                "username_column: username\n      password_scheme: bcrypt"), "environments.wiki1.profile.password_scheme",
                "only used when fields maps password"));
        out.add(c("two environments on one table", GOOD + SECOND.replace("wiki2:", "wiki2:").replace("dialect: mariadb", "dialect: postgresql")
                        .replace("table: people", "table: users"),
                "environments.wiki2.connection", "same database and users table as environments.wiki1"));
        return out;
    }

    private Path write(Case c) throws IOException {
        for (Map.Entry<String, String> f : c.files().entrySet()) {
            if (f.getValue() == null) {
                Files.createDirectories(dir.resolve(f.getKey()));
            } else {
                Files.writeString(dir.resolve(f.getKey()), f.getValue());
            }
        }
        Path file = dir.resolve("accountsync.yaml");
        Files.writeString(file, c.yaml().replace("@DIR@", dir.toString()));
        return file;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldReportTheProblemAtItsPath(Case c) throws Exception {
        Path file = write(c);
        List<ConfigProblem> problems;
        try {
            ConfigLoader.load(file, c.env() != null ? c.env()::get : System::getenv);
            throw new AssertionError("the file loaded, expected a problem at '" + c.path() + "'");
        } catch (ConfigException e) {
            problems = e.problems();
        }
        assertThat(problems).as("problems of '%s'", c.name())
                .anySatisfy(p -> {
                    assertThat(p.path()).isEqualTo(c.path());
                    assertThat(p.message()).contains(c.fragment());
                });
        // Never a secret in a message: the password file's content and the literal passwords.
        assertThat(problems).allSatisfy(p -> assertThat(p.message()).doesNotContain("secret").doesNotContain("hunter2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldMakeConfigCheckExitTwoNamingThePath(Case c) throws Exception {
        if (c.env() != null) {
            return;   // config check reads the process's environment; ConfigLoader covered this case above
        }
        Path file = write(c);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.execute("config", "check", "-c", file.toString());
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(stderr).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(stderr).contains("config has ").contains(c.path().isEmpty() ? c.fragment() : c.path() + ": ")
                .contains(c.fragment());
    }

    @Test
    void shouldHoldAtLeastFiftyDistinctCases() {
        List<Case> all = cases();
        Set<String> names = new HashSet<>();
        all.forEach(c -> assertThat(names.add(c.name())).as("case name %s is unique", c.name()).isTrue());
        assertThat(all).hasSizeGreaterThanOrEqualTo(50);
    }

    @Test
    void shouldReportAMissingFileAtTheTopLevel() throws Exception {
        Path missing = dir.resolve("nope.yaml");
        try {
            ConfigLoader.load(missing, Map.<String, String>of()::get);
            throw new AssertionError("loaded a missing file");
        } catch (ConfigException e) {
            assertThat(e.problems()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEmpty();
                assertThat(p.message()).isEqualTo("config file " + missing.toAbsolutePath() + " does not exist");
            });
        }
    }
}
