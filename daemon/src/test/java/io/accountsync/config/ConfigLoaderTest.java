package io.accountsync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accountsync.connect.Secret;
import io.accountsync.model.Dialect;
import io.accountsync.profile.GenericMapping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private static final Map<String, String> ENV = Map.of("WIKI1_PASSWORD", "pw-one", "WIKI2_PASSWORD", "pw-two",
            "STATE_PASSWORD", "pw-state");

    static final String FULL = """
            data_dir: ./accountsync-data
            dry_run: false
            sql_dir: /var/tmp/sql
            sync_fields: [display_name, email, nickname]
            conflicts:
              policy: priority
              granularity: field
              priority: [shop, wiki1]
            state_store:
              url: jdbc:postgresql://db.example:5432/accountsync
              user: accountsync
              password: ${STATE_PASSWORD}
            metrics:
              enabled: true
              host: 0.0.0.0
              port: 9000
            apply:
              batch_size: 250
              retry_initial: 250ms
              retry_max: 2m
            environments:
              wiki1:
                dialect: postgresql
                enabled: true
                role: both
                create_missing: false
                connection:
                  host: 127.0.0.1
                  port: 5433
                  database: app
                  user: sync
                  password: ${WIKI1_PASSWORD}
                profile:
                  type: generic
                  schema: public
                  table: users
                  key_column: id
                  username_column: username
                  fields:
                    display_name: full_name
                    email: email
                    email_verified: email_confirmed_at
                    nickname: nick
                  last_activity_column: updated_at
                  case_insensitive_usernames: true
                debezium:
                  max.batch.size: 2048
                  include.unknown.datatypes: false
                  snapshot:
                    mode: never
              shop:
                dialect: mariadb
                role: source
                connection:
                  host: shop-db
                  database: shop
                  user: sync
                  password_file: shop.pw
                profile:
                  type: generic
                  table: customers
                  key_column: customer_id
                  username_column: login
                  fields:
                    email: mail
            """;

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private AccountsyncConfig load(String yaml) throws Exception {
        return ConfigLoader.load(write("accountsync.yml", yaml), ENV::get);
    }

    private List<ConfigProblem> problems(String yaml) throws IOException {
        Path file = write("accountsync.yml", yaml);
        try {
            ConfigLoader.load(file, ENV::get);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected problems, the config loaded");
    }

    private List<String> problemLines(String yaml) throws IOException {
        return problems(yaml).stream().map(ConfigProblem::toString).toList();
    }

    /** A valid one-environment config, with {@code extra} lines appended to the environment. */
    static String minimal(String extraEnvLines) {
        return """
                environments:
                  wiki1:
                    dialect: postgresql
                    connection:
                      host: 127.0.0.1
                      database: app
                      user: sync
                      password: ${WIKI1_PASSWORD}
                    profile:
                      type: generic
                      table: users
                      key_column: id
                      username_column: username
                      fields:
                        email: email
                """ + extraEnvLines.indent(4);
    }

    @Test
    void shouldLoadAFullConfig() throws Exception {
        Files.writeString(dir.resolve("shop.pw"), "pw-shop\n");

        AccountsyncConfig c = load(FULL);

        assertThat(c.configFile()).isEqualTo(dir.resolve("accountsync.yml").toAbsolutePath().normalize());
        assertThat(c.dataDir()).isEqualTo(dir.resolve("accountsync-data").toAbsolutePath().normalize());
        assertThat(c.dryRun()).isFalse();
        assertThat(c.sqlDir()).isEqualTo(Path.of("/var/tmp/sql"));
        assertThat(c.syncFields()).containsExactly("display_name", "email", "nickname");
        assertThat(c.effectiveSyncFields()).containsExactly("display_name", "email", "email_verified", "nickname");
        assertThat(c.conflicts()).isEqualTo(new ConflictsConfig(ConflictPolicy.PRIORITY, Granularity.FIELD, List.of("shop", "wiki1")));
        assertThat(c.stateStore().url()).isEqualTo("jdbc:postgresql://db.example:5432/accountsync");
        assertThat(c.stateStore().user()).isEqualTo("accountsync");
        assertThat(c.stateStore().password().reveal()).isEqualTo("pw-state");
        assertThat(c.stateStore().isH2()).isFalse();
        assertThat(c.metrics()).isEqualTo(new MetricsConfig(true, "0.0.0.0", 9000));
        assertThat(c.apply()).isEqualTo(new ApplyConfig(250, Duration.ofMillis(250), Duration.ofMinutes(2)));
        assertThat(c.environments()).containsOnlyKeys("wiki1", "shop");
        assertThat(c.environments().keySet()).containsExactly("wiki1", "shop");

        EnvironmentConfig wiki1 = c.environment("wiki1");
        assertThat(wiki1.name()).isEqualTo("wiki1");
        assertThat(wiki1.dialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(wiki1.enabled()).isTrue();
        assertThat(wiki1.role()).isEqualTo(Role.BOTH);
        assertThat(wiki1.createMissing()).isFalse();
        assertThat(wiki1.connection().describe()).isEqualTo("postgresql://sync@127.0.0.1:5433/app");
        assertThat(wiki1.connection().password().reveal()).isEqualTo("pw-one");
        assertThat(wiki1.profile().type()).isEqualTo("generic");
        assertThat(wiki1.profile().generic()).isEqualTo(new GenericMapping("public", "users", "id", "username",
                Map.of("display_name", "full_name", "email", "email", "email_verified", "email_confirmed_at", "nickname", "nick"),
                "updated_at", true, null));
        assertThat(wiki1.profile().generic().fields().keySet())
                .containsExactly("display_name", "email", "email_verified", "nickname");
        assertThat(wiki1.debezium()).containsExactly(Map.entry("max.batch.size", "2048"),
                Map.entry("include.unknown.datatypes", "false"), Map.entry("snapshot.mode", "never"));

        EnvironmentConfig shop = c.environment("shop");
        assertThat(shop.dialect()).isEqualTo(Dialect.MARIADB);
        assertThat(shop.role()).isEqualTo(Role.SOURCE);
        assertThat(shop.reads()).isTrue();
        assertThat(shop.writes()).isFalse();
        assertThat(shop.connection().port()).isEqualTo(3306);
        assertThat(shop.connection().password()).isEqualTo(Secret.of("pw-shop"));
        assertThat(shop.profile().generic().schema()).isNull();
        assertThat(shop.debezium()).isEmpty();
    }

    @Test
    void shouldApplyDefaults() throws Exception {
        AccountsyncConfig c = load(minimal(""));

        Path dataDir = dir.resolve("accountsync-data").toAbsolutePath().normalize();
        assertThat(c.dataDir()).isEqualTo(dataDir);
        assertThat(c.dryRun()).isTrue();
        assertThat(c.sqlDir()).isEqualTo(dataDir.resolve("sql"));
        assertThat(c.syncFields()).containsExactly("display_name", "email");
        assertThat(c.effectiveSyncFields()).containsExactly("display_name", "email", "email_verified");
        assertThat(c.conflicts()).isEqualTo(new ConflictsConfig(ConflictPolicy.SKIP, Granularity.RECORD, List.of()));
        assertThat(c.conflicts()).isEqualTo(ConflictsConfig.DEFAULT);
        assertThat(c.dryRunDir()).isEqualTo(dataDir.resolve("dry-run"));
        assertThat(c.stateStore()).isEqualTo(new StateStoreConfig(null, null, null));
        assertThat(c.stateStoreUrl()).isEqualTo("jdbc:h2:file:" + dataDir.resolve("state/accountsync") + ";AUTO_SERVER=TRUE");
        assertThat(c.stateStore().isH2()).isTrue();
        assertThat(c.metrics()).isEqualTo(new MetricsConfig(true, "127.0.0.1", 9464));
        assertThat(c.apply()).isEqualTo(new ApplyConfig(500, Duration.ofMillis(500), Duration.ofSeconds(30)));
        EnvironmentConfig e = c.environment("wiki1");
        assertThat(e.enabled()).isTrue();
        assertThat(e.role()).isEqualTo(Role.BOTH);
        assertThat(e.createMissing()).isTrue();
        assertThat(e.connection().port()).isEqualTo(5432);
        assertThat(e.profile().generic().lastActivityColumn()).isNull();
        assertThat(e.profile().generic().caseInsensitiveUsernames()).isFalse();
        assertThat(e.profile().generic().passwordScheme()).isNull();
        assertThat(e.debezium()).isEmpty();
    }

    @Test
    void shouldResolveRelativeDirectoriesAgainstTheConfigFile() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("etc"));
        Path file = sub.resolve("a.yml");
        Files.writeString(file, "data_dir: ../data\nsql_dir: out/sql\n" + minimal(""));

        AccountsyncConfig c = ConfigLoader.load(file, ENV::get);

        assertThat(c.dataDir()).isEqualTo(dir.resolve("data").toAbsolutePath().normalize());
        assertThat(c.sqlDir()).isEqualTo(sub.resolve("out/sql").toAbsolutePath().normalize());
    }

    @Test
    void shouldReportAnUnknownKeyWithTheKnownOnes() throws Exception {
        assertThat(problemLines(minimal("colour: blue"))).containsExactly(
                "environments.wiki1.colour: unknown key (known: dialect, enabled, role, create_missing, connection, profile, debezium)");
        assertThat(problemLines("datadir: x\n" + minimal(""))).containsExactly(
                "datadir: unknown key (known: data_dir, dry_run, sql_dir, sync_fields, conflicts, state_store, metrics, apply, environments)");
        assertThat(problemLines("metrics:\n  prot: 1\n" + minimal(""))).containsExactly(
                "metrics.prot: unknown key (known: enabled, host, port)");
    }

    @Test
    void shouldReportABadPort() throws Exception {
        String yaml = minimal("").replace("host: 127.0.0.1", "host: 127.0.0.1\n      port: abc");
        assertThat(problemLines(yaml)).containsExactly(
                "environments.wiki1.connection.port: must be an integer between 1 and 65535, got \"abc\"");
        assertThat(problemLines(minimal("").replace("host: 127.0.0.1", "host: 127.0.0.1\n      port: 70000"))).containsExactly(
                "environments.wiki1.connection.port: must be an integer between 1 and 65535, got 70000");
        assertThat(problemLines(minimal("").replace("host: 127.0.0.1", "host: 127.0.0.1\n      port: \"5432\"")))
                .containsExactly("environments.wiki1.connection.port: must be an integer between 1 and 65535, got \"5432\"");
    }

    @Test
    void shouldAllowMetricsPortZeroButNotNegative() throws Exception {
        assertThat(load("metrics:\n  port: 0\n" + minimal("")).metrics().port()).isZero();
        assertThat(problemLines("metrics:\n  port: -1\n" + minimal(""))).containsExactly(
                "metrics.port: must be an integer between 0 and 65535, got -1");
    }

    @Test
    void shouldReportAnUnsetSecretVariable() throws Exception {
        String yaml = minimal("").replace("${WIKI1_PASSWORD}", "${NOPE_PASSWORD}");
        assertThat(problemLines(yaml)).containsExactly(
                "environments.wiki1.connection.password: environment variable NOPE_PASSWORD is not set");
    }

    @Test
    void shouldReportAnEmptySecretVariable() throws Exception {
        Path file = write("a.yml", minimal(""));
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("WIKI1_PASSWORD", "")::get))
                .isInstanceOf(ConfigException.class)
                .hasMessage("environments.wiki1.connection.password: environment variable WIKI1_PASSWORD is empty");
    }

    @Test
    void shouldRefuseLiteralPasswords() throws Exception {
        for (String literal : List.of("hunter2", "pre${WIKI1_PASSWORD}", "123456", "true")) {
            List<String> lines = problemLines(minimal("").replace("${WIKI1_PASSWORD}", literal));
            assertThat(lines).containsExactly("environments.wiki1.connection.password: "
                    + "literal passwords are not allowed: use ${ENV_VAR} or password_file");
        }
    }

    @Test
    void shouldReadThePasswordFileWithoutTrailingNewline() throws Exception {
        Files.writeString(dir.resolve("wiki1.pw"), "s3cret with spaces \r\n");
        String yaml = minimal("").replace("password: ${WIKI1_PASSWORD}", "password_file: wiki1.pw");

        assertThat(load(yaml).environment("wiki1").connection().password().reveal()).isEqualTo("s3cret with spaces ");
    }

    @Test
    void shouldReportAMissingOrEmptyPasswordFile() throws Exception {
        String yaml = minimal("").replace("password: ${WIKI1_PASSWORD}", "password_file: wiki1.pw");
        assertThat(problemLines(yaml)).containsExactly("environments.wiki1.connection.password_file: password file "
                + dir.resolve("wiki1.pw").toAbsolutePath().normalize() + " does not exist");
        Files.writeString(dir.resolve("wiki1.pw"), "\n");
        assertThat(problemLines(yaml)).singleElement().asString().endsWith("wiki1.pw is empty");
    }

    @Test
    void shouldRequireExactlyOneOfPasswordAndPasswordFile() throws Exception {
        Files.writeString(dir.resolve("wiki1.pw"), "x");
        String both = minimal("").replace("password: ${WIKI1_PASSWORD}", "password: ${WIKI1_PASSWORD}\n      password_file: wiki1.pw");
        assertThat(problemLines(both)).containsExactly(
                "environments.wiki1.connection: set password or password_file, not both");
        String neither = minimal("").replace("password: ${WIKI1_PASSWORD}", "");
        assertThat(problemLines(neither)).containsExactly(
                "environments.wiki1.connection.password: is required: set password (as ${ENV_VAR}) or password_file");
    }

    @Test
    void shouldReportDuplicateEnvironmentNamesWithTheirLines() throws Exception {
        String yaml = minimal("") + """
                  wiki1:
                    dialect: mysql
                """;
        assertThat(problemLines(yaml)).containsExactly(
                "environments.wiki1: duplicate key at line 16 (first at line 2); the first one is used");
    }

    @Test
    void shouldReportEveryDuplicateKey() throws Exception {
        String yaml = "dry_run: true\ndry_run: false\n" + minimal("role: source\nrole: target");
        assertThat(problemLines(yaml)).containsExactly(
                "dry_run: duplicate key at line 2 (first at line 1); the first one is used",
                "environments.wiki1.role: duplicate key at line 19 (first at line 18); the first one is used");
    }

    @Test
    void shouldReportYamlSyntaxErrorsWithLineAndColumn() throws Exception {
        List<String> lines = problemLines("dry_run: true\nmetrics:\n  port: 1\n port: 2\n");
        assertThat(lines).singleElement().asString().startsWith("YAML syntax error at line 4, column 2: ");

        List<String> unterminated = problemLines("dry_run: true\nsql_dir: \"abc\n");
        assertThat(unterminated).singleElement().asString().startsWith("YAML syntax error at line ");
    }

    @Test
    void shouldReportMissingRequiredKeysOncePerMissingSection() throws Exception {
        String yaml = """
                environments:
                  wiki1:
                    profile:
                      type: generic
                      fields:
                        email: email
                """;
        assertThat(problemLines(yaml)).containsExactly(
                "environments.wiki1.dialect: is required",
                "environments.wiki1.connection: required section is missing",
                "environments.wiki1.profile.table: is required",
                "environments.wiki1.profile.key_column: is required",
                "environments.wiki1.profile.username_column: is required");
    }

    @Test
    void shouldRequireAtLeastOneEnvironment() throws Exception {
        assertThat(problemLines("dry_run: true\n")).containsExactly("environments: is required");
        assertThat(problemLines("environments: {}\n")).containsExactly("environments: at least one environment is required");
        assertThat(problemLines("environments:\n")).containsExactly("environments: has no value");
        assertThat(problemLines("environments: [wiki1]\n")).containsExactly(
                "environments: must be a mapping of name to environment, got a list");
    }

    @Test
    void shouldRejectBadEnvironmentNamesAndStillCheckTheirKeys() throws Exception {
        String yaml = minimal("").replace("  wiki1:", "  Wiki_1:").replace("dialect: postgresql", "dialect: oracle");
        assertThat(problemLines(yaml)).containsExactly(
                "environments.Wiki_1: invalid environment name: must match [a-z][a-z0-9_-]{0,62}",
                "environments.Wiki_1.dialect: must be one of postgresql, mariadb, mysql, got \"oracle\"");
    }

    @Test
    void shouldRejectUnknownProfileTypes() throws Exception {
        assertThat(problemLines(minimal("").replace("type: generic", "type: redmine"))).containsExactly(
                "environments.wiki1.profile.type: unknown profile type 'redmine' (known: generic, trac, mediawiki, moodle)");
        assertThat(problemLines(minimal("").replace("type: generic", "type: 3"))).containsExactly(
                "environments.wiki1.profile.type: must be a profile type (known: generic, trac, mediawiki, moodle), got 3");
    }

    @Test
    void shouldRejectBadValuesOfEachType() throws Exception {
        String yaml = """
                dry_run: 1
                data_dir: 12
                sync_fields: email
                state_store:
                  url: mysql://x
                apply:
                  batch_size: 0
                  retry_initial: 5
                  retry_max: 1 minute
                """ + minimal("role: writer\nenabled: yes");
        assertThat(problemLines(yaml)).containsExactly(
                "dry_run: must be true or false, got 1",
                "data_dir: must be a path (quote it), got 12",
                "sync_fields: must be a list of field names, got \"email\"",
                "state_store.url: must be a JDBC URL starting with jdbc:postgresql: or jdbc:h2:",
                "apply.batch_size: must be an integer between 1 and 100000, got 0",
                "apply.retry_initial: must be a positive duration like 250ms, 5s, 2m or 1h, got 5",
                "apply.retry_max: must be a positive duration like 250ms, 5s, 2m or 1h, got \"1 minute\"",
                "environments.wiki1.role: must be one of both, source, target, got \"writer\"",
                "environments.wiki1.enabled: must be true or false, got \"yes\"");
    }

    @Test
    void shouldNotExpandTheHomeDirectory() throws Exception {
        assertThat(problemLines("data_dir: ~/data\n" + minimal(""))).containsExactly(
                "data_dir: ~ is not expanded: give an absolute path, or one relative to the config file");
    }

    @Test
    void shouldReadOnlyTrueAndFalseAsBooleans() throws Exception {
        // YAML 1.1 would read `no` as false; here a schema called "no" stays a string.
        assertThat(load(minimal("").replace("table: users", "schema: no\n      table: users"))
                .environment("wiki1").profile().generic().schema()).isEqualTo("no");
    }

    @Test
    void shouldReportAValueThatIsNotAMappingWhereASectionBelongs() throws Exception {
        assertThat(problemLines("metrics: on\n" + minimal(""))).containsExactly("metrics: must be a mapping, got \"on\"");
    }

    @Test
    void shouldReportKeysWithoutValue() throws Exception {
        assertThat(problemLines("sql_dir:\n" + minimal(""))).containsExactly(
                "sql_dir: has no value: give one, or remove the key for the default");
    }

    @Test
    void shouldReportRetryMaxShorterThanRetryInitial() throws Exception {
        assertThat(problemLines("apply:\n  retry_initial: 2m\n  retry_max: 30s\n" + minimal(""))).containsExactly(
                "apply.retry_max: must not be shorter than apply.retry_initial (2m)");
    }

    @Test
    void shouldCheckSyncFields() throws Exception {
        assertThat(problemLines("sync_fields: [email, shoe_size]\n" + minimal(""))).containsExactly(
                "sync_fields[1]: unknown field 'shoe_size': not built in (display_name, given_name, family_name, email, "
                        + "email_verified, password, status) and not declared by any generic mapping's fields");
        assertThat(problemLines("sync_fields: [email, display_name]\n" + minimal(""))).containsExactly(
                "sync_fields[1]: field 'display_name' is mapped by no environment");
        assertThat(problemLines("sync_fields: [username, email, email]\n" + minimal(""))).containsExactly(
                "sync_fields[0]: username cannot be synced: accounts are matched by it",
                "sync_fields[2]: field 'email' is listed twice");
        assertThat(problemLines("sync_fields: []\n" + minimal(""))).containsExactly(
                "sync_fields: must name at least one field");
        // the default lists display_name, which this mapping does not have: that is fine
        assertThat(load(minimal("")).syncFields()).containsExactly("display_name", "email");
    }

    @Test
    void shouldAcceptCustomFieldsDeclaredByAMapping() throws Exception {
        String yaml = "sync_fields: [email, shoe_size]\n" + minimal("").replace("email: email", "email: email\n        shoe_size: shoe");
        assertThat(load(yaml).syncFields()).containsExactly("email", "shoe_size");
    }

    @Test
    void shouldCheckTheFieldMapping() throws Exception {
        String yaml = minimal("").replace("email: email", "username: login\n        Bad-Name: x\n        email: ''");
        assertThat(problemLines(yaml)).containsExactly(
                "environments.wiki1.profile.fields.username: map the username with username_column, not here",
                "environments.wiki1.profile.fields.Bad-Name: invalid field name: must match [a-z][a-z0-9_]{0,62}",
                "environments.wiki1.profile.fields.email: must be a column name, got \"\"");
        assertThat(problemLines(minimal("").replace("email: email", "{}").replace("fields:\n        {}", "fields: {}")))
                .containsExactly("environments.wiki1.profile.fields: must map at least one field");
    }

    @Test
    void shouldRefuseTwoEnvironmentsOnTheSameUsersTable() throws Exception {
        String second = """
                  wiki2:
                    dialect: postgresql
                    connection:
                      host: 127.0.0.1
                      port: 5432
                      database: app
                      user: other
                      password: ${WIKI2_PASSWORD}
                    profile:
                      type: generic
                      schema: public
                      table: users
                      key_column: id
                      username_column: username
                      fields:
                        email: email
                """;
        assertThat(problemLines(minimal("") + second)).containsExactly("environments.wiki2.connection: same database and "
                + "users table as environments.wiki1 (127.0.0.1:5432/app, table public.users)");

        // one database, two schemas: two applications, fine
        AccountsyncConfig c = load(minimal("") + second.replace("schema: public", "schema: wiki2"));
        assertThat(c.environments()).containsOnlyKeys("wiki1", "wiki2");
    }

    @Test
    void shouldCheckDebeziumPassthrough() throws Exception {
        String yaml = minimal("debezium:\n  database.password: x\n  provide.transaction.metadata: false\n"
                + "  list: [1, 2]\n  empty:\n");
        assertThat(problemLines(yaml)).containsExactly(
                "environments.wiki1.debezium.database.password: is set by accountsync from connection.*; remove it here",
                "environments.wiki1.debezium.provide.transaction.metadata: is set by accountsync (to true: capture keeps"
                        + " each transaction's rows together); remove it here",
                "environments.wiki1.debezium.list: must be a string, number or boolean",
                "environments.wiki1.debezium.empty: must be a string, number or boolean");
        assertThat(load(minimal("debezium:\n")).environment("wiki1").debezium()).isEmpty();
    }

    @Test
    void shouldReportManyProblemsInOneFileAtOnce() throws Exception {
        String yaml = """
                dry_run: true
                environments:
                  wiki1:
                    dialect: postgresql
                    colour: blue
                    connection:
                      host: 127.0.0.1
                      database: app
                      user: sync
                      password: ${MISSING_PASSWORD}
                    profile:
                      type: generic
                      table: users
                      key_column: id
                      username_column: username
                      fields:
                        email: email
                  wiki2:
                    dialect: mariadb
                    connection:
                      host: 127.0.0.1
                      port: abc
                      database: app
                      user: sync
                      password: ${WIKI2_PASSWORD}
                    profile:
                      type: generic
                      table: users
                      key_column: id
                      username_column: username
                      fields:
                        email: email
                  wiki1:
                    dialect: mysql
                """;
        Path file = write("many.yml", yaml);

        assertThatThrownBy(() -> ConfigLoader.load(file, ENV::get))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                            "environments.wiki1",
                            "environments.wiki1.colour",
                            "environments.wiki1.connection.password",
                            "environments.wiki2.connection.port");
                    assertThat(e.getMessage().lines()).containsExactlyInAnyOrder(
                            "environments.wiki1: duplicate key at line 33 (first at line 3); the first one is used",
                            "environments.wiki1.colour: unknown key (known: dialect, enabled, role, create_missing, "
                                    + "connection, profile, debezium)",
                            "environments.wiki1.connection.password: environment variable MISSING_PASSWORD is not set",
                            "environments.wiki2.connection.port: must be an integer between 1 and 65535, got \"abc\"");
                });
    }

    @Test
    void shouldReportFileLevelProblems() throws Exception {
        assertThat(problemLines("")).containsExactly("the file is empty");
        assertThat(problemLines("# only a comment\n")).containsExactly("the file is empty");
        assertThat(problemLines("- a\n- b\n")).containsExactly("must be a YAML mapping of keys to values, got a list");
        assertThat(problemLines(minimal("") + "---\ndry_run: true\n")).containsExactly(
                "more than one YAML document (at line 17): put everything in one");

        Path missing = dir.resolve("nope.yml");
        assertThatThrownBy(() -> ConfigLoader.load(missing, ENV::get))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config file " + missing.toAbsolutePath() + " does not exist");
    }

    @Test
    void shouldRefuseYamlAliases() throws Exception {
        String yaml = "metrics:\n  host: &h 127.0.0.1\nstate_store:\n  user: *h\n" + minimal("");
        assertThat(problemLines(yaml)).contains("state_store.user: YAML aliases (*h) are not supported (line 4)");
    }

    @Test
    void shouldKeepEnvironmentsInFileOrder() throws Exception {
        StringBuilder yaml = new StringBuilder(minimal(""));
        for (String name : List.of("zeta", "alpha", "mid")) {
            yaml.append(minimal("").replace("environments:\n", "").replace("wiki1:", name + ":")
                    .replace("table: users", "table: " + name));
        }
        assertThat(load(yaml.toString()).environments().keySet()).containsExactly("wiki1", "zeta", "alpha", "mid");
    }

    // ---- conflicts ----

    @Test
    void shouldReadTheConflictPolicyAndGranularity() throws Exception {
        AccountsyncConfig c = load("conflicts:\n  policy: newer\n  granularity: field\n" + minimal(""));
        assertThat(c.conflicts()).isEqualTo(new ConflictsConfig(ConflictPolicy.NEWER, Granularity.FIELD, List.of()));
        assertThat(load("conflicts:\n" + minimal("")).conflicts()).isEqualTo(ConflictsConfig.DEFAULT);
    }

    @Test
    void shouldReportBadConflictValues() throws Exception {
        assertThat(problemLines("conflicts:\n  policy: oldest\n  granularity: column\n  priority: wiki1\n  mode: x\n" + minimal("")))
                .containsExactly(
                        "conflicts.policy: must be one of skip, newer, priority, got \"oldest\"",
                        "conflicts.granularity: must be one of record, field, got \"column\"",
                        "conflicts.priority: must be a list of environment names, got \"wiki1\"",
                        "conflicts.mode: unknown key (known: policy, granularity, priority)");
        assertThat(problemLines("conflicts: skip\n" + minimal(""))).containsExactly("conflicts: must be a mapping, got \"skip\"");
        assertThat(problemLines("conflicts:\n  policy: priority\n  priority: []\n" + minimal(""))).containsExactly(
                "conflicts.priority: must name at least one environment");
        assertThat(problemLines("conflicts:\n  policy: priority\n  priority: [Wiki1, 3]\n" + minimal(""))).containsExactly(
                "conflicts.priority[0]: must be an environment name matching [a-z][a-z0-9_-]{0,62}, got \"Wiki1\"",
                "conflicts.priority[1]: must be an environment name matching [a-z][a-z0-9_-]{0,62}, got 3");
    }

    @Test
    void shouldRequireAPriorityListWithPolicyPriority() throws Exception {
        assertThat(problemLines("conflicts:\n  policy: priority\n" + minimal(""))).containsExactly(
                "conflicts.priority: is required when policy is priority: list the environments, the first that holds the account wins");
    }

    @Test
    void shouldRefuseAPriorityListWithAnotherPolicy() throws Exception {
        assertThat(problemLines("conflicts:\n  priority: [wiki1]\n" + minimal(""))).containsExactly(
                "conflicts.priority: only used with policy: priority (policy is skip): remove it, or set policy: priority");
        assertThat(problemLines("conflicts:\n  policy: newer\n  priority: [wiki1]\n" + minimal(""))).containsExactly(
                "conflicts.priority: only used with policy: priority (policy is newer): remove it, or set policy: priority");
    }

    @Test
    void shouldReportUnknownAndRepeatedPriorityEnvironmentsTogether() throws Exception {
        String yaml = "conflicts:\n  policy: priority\n  priority: [wiki1, wiki9, wiki1, shop]\n"
                + minimal("") + passwordEnv("wiki2", null, true);
        assertThat(problemLines(yaml)).containsExactly(
                "conflicts.priority[1]: unknown environment 'wiki9' (configured: wiki1, wiki2)",
                "conflicts.priority[2]: environment 'wiki1' is listed twice",
                "conflicts.priority[3]: unknown environment 'shop' (configured: wiki1, wiki2)");
    }

    @Test
    void shouldAcceptAPriorityListOfConfiguredEnvironmentsEvenDisabledOnes() throws Exception {
        String yaml = "conflicts:\n  policy: priority\n  priority: [wiki2, wiki1]\n" + minimal("") + passwordEnv("wiki2", null, false);
        assertThat(load(yaml).conflicts().priority()).containsExactly("wiki2", "wiki1");
    }

    // ---- passwords and email verification ----

    /** A generic environment on its own table whose profile maps {@code password}, with {@code scheme} unless null. */
    static String passwordEnv(String name, String scheme, boolean enabled) {
        return """
                  %1$s:
                    dialect: postgresql
                    enabled: %3$s
                    connection:
                      host: 127.0.0.1
                      database: app
                      user: sync
                      password: ${WIKI2_PASSWORD}
                    profile:
                      type: generic
                      table: users_%1$s
                      key_column: id
                      username_column: username
                      fields:
                        email: email
                        password: pw_hash
                """.formatted(name, scheme, enabled) + (scheme == null ? "" : "      password_scheme: " + scheme + "\n");
    }

    private static String passwordConfig(String... envs) {
        return "sync_fields: [email, password]\nenvironments:\n" + String.join("", envs);
    }

    @Test
    void shouldSyncPasswordsBetweenEnvironmentsOfOneScheme() throws Exception {
        AccountsyncConfig c = load(passwordConfig(passwordEnv("a", "bcrypt", true), passwordEnv("b", "bcrypt", true),
                passwordEnv("c", "md5", false)));
        assertThat(c.environment("a").profile().generic().passwordScheme()).isEqualTo("bcrypt");
        assertThat(c.environment("c").profile().generic().passwordScheme()).isEqualTo("md5");
        assertThat(c.effectiveSyncFields()).containsExactly("email", "email_verified", "password");
    }

    @Test
    void shouldNameEachEnvironmentAndSchemeWhenPasswordSchemesDiffer() throws Exception {
        assertThat(problemLines(passwordConfig(passwordEnv("a", "bcrypt", true), passwordEnv("b", null, true)))).containsExactly(
                "sync_fields: password cannot be synced: password hashes only travel between environments whose profiles "
                        + "declare the same hash scheme: a (bcrypt), b (none)");
        assertThat(problemLines(passwordConfig(passwordEnv("a", "bcrypt", true), passwordEnv("b", "sha512crypt", true),
                passwordEnv("c", "bcrypt", true)))).containsExactly(
                "sync_fields: password cannot be synced: password hashes only travel between environments whose profiles "
                        + "declare the same hash scheme: a (bcrypt), b (sha512crypt), c (bcrypt)");
        assertThat(problemLines(passwordConfig(passwordEnv("a", null, true), passwordEnv("b", null, true)))).containsExactly(
                "sync_fields: password cannot be synced: password hashes only travel between environments whose profiles "
                        + "declare the same hash scheme: a (none), b (none)");
    }

    @Test
    void shouldCheckPasswordSchemesNextToOtherProblems() throws Exception {
        String yaml = passwordConfig(passwordEnv("a", "bcrypt", true),
                passwordEnv("b", "pbkdf2", true).replace("host: 127.0.0.1", "host: 127.0.0.1\n      port: 0"));
        assertThat(problemLines(yaml)).containsExactly(
                "environments.b.connection.port: must be an integer between 1 and 65535, got 0",
                "sync_fields: password cannot be synced: password hashes only travel between environments whose profiles "
                        + "declare the same hash scheme: a (bcrypt), b (pbkdf2)");
    }

    @Test
    void shouldRequireTwoEnabledEnvironmentsMappingThePassword() throws Exception {
        assertThat(problemLines(passwordConfig(passwordEnv("a", "bcrypt", true), passwordEnv("b", "bcrypt", false)))).containsExactly(
                "sync_fields: password is synced but only one enabled environment maps it (a): it needs at least two");
        assertThat(problemLines(passwordConfig(passwordEnv("a", "bcrypt", false)))).containsExactly(
                "sync_fields: password is synced but no enabled environment maps it: it needs at least two");
        assertThat(problemLines("sync_fields: [email, password]\n" + minimal(""))).containsExactly(
                "sync_fields[1]: field 'password' is mapped by no environment");
    }

    @Test
    void shouldRefuseAPasswordSchemeWithoutAPasswordColumn() throws Exception {
        assertThat(problemLines(minimal("").replace("username_column: username", "username_column: username\n      password_scheme: bcrypt")))
                .containsExactly("environments.wiki1.profile.password_scheme: only used when fields maps password: "
                        + "map the password column, or remove this");
        assertThat(problemLines(minimal("").replace("username_column: username", "username_column: username\n      password_scheme: 7")))
                .containsExactly("environments.wiki1.profile.password_scheme: must be a string (quote it), got 7");
    }

    @Test
    void shouldMapPasswordWithoutSyncingIt() throws Exception {
        // mapped but not synced: no scheme needed, nothing travels
        AccountsyncConfig c = load(minimal("").replace("email: email", "email: email\n        password: pw_hash"));
        assertThat(c.environment("wiki1").profile().generic().fields()).containsEntry("password", "pw_hash");
        assertThat(c.effectiveSyncFields()).doesNotContain("password");
    }

    @Test
    void shouldSyncEmailVerifiedOnlyWithEmail() throws Exception {
        String mapsVerified = minimal("").replace("email: email", "email: email\n        email_verified: email_confirmed\n        nick: nick");
        assertThat(problemLines("sync_fields: [nick, email_verified]\n" + mapsVerified)).containsExactly(
                "sync_fields[1]: email_verified travels with email as one unit: list email instead, it brings email_verified along");

        AccountsyncConfig c = load("sync_fields: [email, nick]\n" + mapsVerified);
        assertThat(c.syncFields()).containsExactly("email", "nick");
        assertThat(c.effectiveSyncFields()).containsExactly("email", "email_verified", "nick");
        assertThat(load("sync_fields: [nick]\n" + mapsVerified).effectiveSyncFields()).containsExactly("nick");
        assertThat(load("sync_fields: [nick, email, email_verified]\n" + mapsVerified).effectiveSyncFields())
                .containsExactly("nick", "email", "email_verified");
    }
}
