package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountsync.cli.Main;
import io.accountsync.model.Dialect;
import io.accountsync.testsupport.apps.MediaWikiFixture;
import io.accountsync.testsupport.apps.MoodleFixture;
import io.accountsync.testsupport.apps.TracFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The data half of the bad-input corpus, against the daemon as a process: each bad row or value
 * ends as a quarantine entry with its reason (or, for two local accounts of one person, an identity
 * conflict), a good change made right after it still reaches every environment, and
 * {@code accountsync quarantine list|retry|drop} show, retry and forget the entries. Several cases
 * share one daemon start.
 */
class BadInputIT {
    private static final Path LOGS = Path.of("target", "it-logs");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    private ThreeEnvFixture fx;
    private DaemonProcess daemon;

    @AfterEach
    void tearDown() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    // ------------------------------------------------------------------------------------ helpers

    record Cli(int code, String out, String err) {
    }

    /** An accountsync command in this JVM (the daemon itself runs as a process). */
    static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    /** The fixture's config with the password in a file, so that commands run in this JVM can read it too. */
    private Path config(String name, Map<String, String> envExtra) throws Exception {
        Path pw = tmp.resolve("db.pw");
        Files.writeString(pw, fx.instance("a").password() + "\n");
        Path file = fx.writeConfig(name, false, null, envExtra);
        Files.writeString(file, Files.readString(file).replace("password: ${" + ThreeEnvFixture.PASSWORD_VAR + "}",
                "password_file: " + pw));
        return file;
    }

    private void sql(String env, String... statements) throws Exception {
        try (Statement st = fx.connection(env).createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private int witnessRound;

    /**
     * A good change of the witness account in {@code env}, then waits until every environment holds
     * it: the bad event made just before it in {@code env}'s log has been processed, and did not stop
     * the stream.
     */
    private void goodChangeStillPropagates(String env) throws Exception {
        goodChangeStillPropagates(env, ThreeEnvFixture.ENVS);
    }

    private void goodChangeStillPropagates(String env, List<String> to) throws Exception {
        String name = "Witness " + (++witnessRound) + " from " + env;
        assertThat(fx.update(env, "witness", "full_name", name)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() -> {
            for (String e : to) {
                assertThat(row(e, "witness").fullName()).as("witness in %s (log %s)", e, daemon.log()).isEqualTo(name);
            }
        });
    }

    private static List<JsonNode> entries(Path config) throws Exception {
        Cli list = cli("quarantine", "list", "-c", config.toString(), "--json");
        assertThat(list.code()).as(list.err()).isZero();
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(list.out()).forEach(out::add);
        return out;
    }

    /** The one entry of {@code env} and {@code stage} whose reason contains {@code fragment}. */
    private static JsonNode entry(List<JsonNode> entries, String env, String stage, String fragment) {
        List<JsonNode> found = entries.stream().filter(e -> e.get("env").asText().equals(env)
                && e.get("stage").asText().equals(stage)
                && java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(fragment) + "(?!\\d)").matcher(e.get("reason").asText()).find())
                .toList();
        assertThat(found).as("one %s entry of %s about '%s' in %s", stage, env, fragment, entries).hasSize(1);
        return found.get(0);
    }

    /** One user row by its username (the fixture's own listing cannot hold rows without a username). */
    private ThreeEnvFixture.Row row(String env, String username) throws Exception {
        try (var ps = fx.connection(env).prepareStatement("select username, full_name, email from users where username = ?")) {
            ps.setString(1, username);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? new ThreeEnvFixture.Row(rs.getString(1), rs.getString(2), rs.getString(3)) : null;
            }
        }
    }

    /** A user whose last activity is the SQL literal {@code at}; returns its key. */
    private String insertAt(String env, String username, String at) throws Exception {
        sql(env, "insert into users (username, full_name, email, updated_at) values ('" + username + "', 'At " + username
                + "', '" + username + "@example.org', " + at + ")");
        try (var ps = fx.connection(env).prepareStatement("select id from users where username = ?")) {
            ps.setString(1, username);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private String insertReturningKey(String env, String username, String fullName, String email) throws Exception {
        try (var ps = fx.connection(env).prepareStatement("insert into users (username, full_name, email) values (?, ?, ?)",
                new String[] {"id"})) {
            ps.setString(1, username);
            ps.setString(2, fullName);
            ps.setString(3, email);
            ps.executeUpdate();
            try (var rs = ps.getGeneratedKeys()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    // ------------------------------------------------------------------------------------ generic farm

    /** The SQL-injection corpus: each must be stored as it is, everywhere. */
    static final List<String> INJECTION = List.of(
            "'; DROP TABLE users; --",
            "\\'; DROP TABLE users; --",
            "Robert'); DELETE FROM users WHERE ('1'='1",
            "100% _match_ \\% \\_",
            "`backtick` \"double\" 'single'",
            "$$ dollar $$ $tag$ quoted $tag$",
            "/* comment */ -- line comment # hash",
            "a\\nb\\tc \\\\ \\0 \\x00 \\u0000",
            "%s %d {0} ${HOME} #{x} {{x}}",
            "OR 1=1; SELECT pg_sleep(10); SELECT SLEEP(10);");

    @Test
    void shouldQuarantineBadRowsAndRefusedValuesAndLoseNoGoodEvent() throws Exception {
        // a and b hold long names (PostgreSQL varchar(100000)); c holds 60 characters of 3-byte UTF-8.
        fx = new ThreeEnvFixture(tmp, 100_000, 100_000, 60);
        sql("a", "alter table users alter column username drop not null");
        sql("b", "alter table users alter column username drop not null");
        sql("c", "alter table users modify username varchar(100) null",
                "alter table users modify full_name varchar(60) character set utf8mb3");
        fx.insert("a", "witness", "Witness", "witness@example.org");
        // Bad rows already there when the daemon bootstraps: read in full, quarantined, the rest synced.
        String nullAtBootstrap = insertReturningKey("a", null, "No Name", "nobody@example.org");
        String blankAtBootstrap = insertReturningKey("b", "   ", "Blank", "blank@example.org");
        String underscoresAtBootstrap = insertReturningKey("c", "___", "Underscores", "under@example.org");
        fx.insert("b", "alice", "Alice", "alice@example.org");
        // Last activities that are no point in time: read as unknown (named in a warning), the accounts sync.
        sql("c", "alter table users modify updated_at datetime(6) null default current_timestamp(6)");
        String future = insertAt("a", "future", "'9999-12-31 23:59:59+00'");
        String infinite = insertAt("a", "infinite", "'infinity'");
        String negInfinite = insertAt("a", "neginfinite", "'-infinity'");
        String beforeChrist = insertAt("a", "beforechrist", "'0044-03-15 12:00:00+00 BC'");
        sql("c", "set session sql_mode = ''");
        String zeroDate = insertAt("c", "zerodate", "'0000-00-00 00:00:00'");
        String maxDate = insertAt("c", "maxdate", "'9999-12-31 23:59:59.999999'");
        // The same person in a (a bogus last activity in 9999) and b (active an hour ago): b's name wins (newer).
        insertAt("a", "clash", "'9999-12-31 00:00:00+00'");
        fx.insert("b", "clash", "Real Recent", "clash@example.org", java.time.Instant.now().minusSeconds(3600), false);

        Path config = config("generic", Map.of());
        daemon = DaemonProcess.start(config, fx.metricsPort, fx.processEnv(), LOGS.resolve("badinput-generic-" + System.nanoTime() + ".log"));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
            assertThat(daemon.isAlive()).as("daemon alive; log %s", daemon.log()).isTrue();
            assertThat(daemon.metric("accountsync_env_up", null)).isEqualTo(3.0);
            assertThat(row("c", "alice")).isNotNull();
            assertThat(row("a", "alice")).isNotNull();
            assertThat(row("c", "witness")).isNotNull();
        });
        List<String> cases = new ArrayList<>();
        for (String[] t : new String[][] {{"a", future, "9999-12-31"}, {"a", infinite, "infinity"}, {"a", negInfinite, "-infinity"},
                {"a", beforeChrist, "BC"}, {"c", maxDate, "9999-12-31"}}) {
            assertThat(daemon.output()).containsPattern("WARN .*env " + t[0] + ", table [^,]+, key " + t[1]
                    + ": last-activity column updated_at holds [^,]*" + java.util.regex.Pattern.quote(t[2])
                    + "[^,]*, not a plausible last activity");
        }
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            for (String e : ThreeEnvFixture.ENVS) {
                for (String u : List.of("future", "infinite", "neginfinite", "beforechrist", "zerodate", "maxdate")) {
                    assertThat(row(e, u)).as("%s in %s", u, e).isNotNull();
                    assertThat(row(e, u).fullName()).isEqualTo("At " + u);
                }
                assertThat(row(e, "clash").fullName()).as("clash in %s", e).isEqualTo("Real Recent");
            }
        });
        cases.addAll(List.of("last activity in 9999 (PostgreSQL)", "last activity infinity", "last activity -infinity",
                "last activity before Christ", "last activity 0000-00-00 (MariaDB zero date)", "last activity 9999 (MariaDB)",
                "bogus last activity does not win a newer-policy decision"));
        assertThat(zeroDate).isNotNull();
        // Out-of-range times while streaming: the column is not consulted, the change goes through.
        sql("a", "update users set full_name = 'Infinite 2', updated_at = 'infinity' where username = 'infinite'");
        sql("c", "set session sql_mode = ''", "update users set full_name = 'Zero 2', updated_at = '0000-00-00 00:00:00' "
                + "where username = 'zerodate'");
        goodChangeStillPropagates("c");
        // a's and c's captures run independently: wait for both changes, not just c's.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
            for (String e : ThreeEnvFixture.ENVS) {
                assertThat(row(e, "infinite").fullName()).isEqualTo("Infinite 2");
                assertThat(row(e, "zerodate").fullName()).isEqualTo("Zero 2");
            }
        });
        cases.addAll(List.of("last activity infinity (stream)", "last activity zero date (stream)"));

        // 1. A NULL username while streaming.
        String nullKey = insertReturningKey("b", null, "Null Streaming", "null@example.org");
        goodChangeStillPropagates("b");
        cases.add("NULL username (stream)");
        // 2. An empty username.
        String emptyKey = insertReturningKey("c", "", "Empty", "empty@example.org");
        goodChangeStillPropagates("c");
        cases.add("empty username (stream)");
        // 3. A username of white space only.
        String spaceKey = insertReturningKey("a", " \t ", "Spaces", "spaces@example.org");
        goodChangeStillPropagates("a");
        cases.add("white-space username (stream)");
        // 4. A username that is empty after normalization (underscores are spaces).
        String underscoreKey = insertReturningKey("a", "_ _", "Underscore", "us@example.org");
        goodChangeStillPropagates("a");
        cases.add("username empty after normalization (stream)");
        // 5. Two local accounts of one environment that are one person after normalization.
        fx.insert("a", "Dup_Name", "Upper", "upper@example.org");
        goodChangeStillPropagates("a");
        fx.insert("a", "dup name", "Lower", "lower@example.org");
        goodChangeStillPropagates("a");
        cases.add("usernames colliding after normalization");
        // 6. A name too long for c (60 characters): a and b get it, c is created without it.
        String long300 = "Long " + "x".repeat(295);
        fx.insert("a", "longname", long300, "long@example.org");
        goodChangeStillPropagates("a");
        cases.add("value too long for one environment");
        // 7. A 4-byte emoji for c's 3-byte UTF-8 column.
        fx.insert("b", "emoji", "Smile \uD83D\uDE00", "emoji@example.org");
        goodChangeStillPropagates("b");
        cases.add("4-byte emoji into utf8mb3");
        // 8. A NUL character from MariaDB, which PostgreSQL text cannot hold.
        fx.insert("c", "nul", "nul\u0000byte", "nul@example.org");
        goodChangeStillPropagates("c");
        cases.add("NUL character into PostgreSQL");
        // 9. A very long string (50,000 characters) between the two PostgreSQL environments.
        String long50k = "L".repeat(50_000);
        fx.insert("b", "verylong", long50k, "verylong@example.org");
        goodChangeStillPropagates("b");
        cases.add("very long string");
        // 10.-19. The SQL-injection corpus, as usernames and as names, stored literally.
        for (int i = 0; i < INJECTION.size(); i++) {
            fx.insert(ThreeEnvFixture.ENVS.get(i % 3), "inj" + i + " " + INJECTION.get(i), INJECTION.get(i), "inj" + i + "@example.org");
            cases.add("injection corpus: " + INJECTION.get(i));
        }
        goodChangeStillPropagates("a");
        // 20. A column added to a captured table while running (PostgreSQL and MariaDB).
        sql("a", "alter table users add column nickname varchar(50)");
        sql("c", "alter table users add column nickname varchar(50)");
        fx.update("a", "alice", "email", "alice@after-add.example.org");
        fx.update("c", "alice", "full_name", "Alice After Add");
        goodChangeStillPropagates("c");
        cases.add("ALTER TABLE ADD COLUMN while running");

        // Everything good arrived everywhere: the accounts, the injection corpus literally.
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            for (String e : ThreeEnvFixture.ENVS) {
                assertThat(row(e, "alice").email()).isEqualTo("alice@after-add.example.org");
                assertThat(row(e, "alice").fullName()).isEqualTo("Alice After Add");
                for (int i = 0; i < INJECTION.size(); i++) {
                    assertThat(row(e, "inj" + i + " " + INJECTION.get(i))).as("injection %d in %s", i, e).isNotNull();
                    assertThat(row(e, "inj" + i + " " + INJECTION.get(i)).fullName()).isEqualTo(INJECTION.get(i));
                }
            }
        });
        assertThat(row("b", "longname").fullName()).isEqualTo(long300);
        assertThat(row("c", "longname").fullName()).isNull();
        assertThat(row("c", "longname").email()).isEqualTo("long@example.org");
        assertThat(row("a", "emoji").fullName()).isEqualTo("Smile \uD83D\uDE00");
        assertThat(row("c", "emoji").fullName()).isNull();
        assertThat(row("a", "verylong").fullName()).isEqualTo(long50k);
        assertThat(row("c", "nul").fullName()).isEqualTo("nul\u0000byte");
        assertThat(row("a", "nul")).as("nul created in a, without the name it cannot hold").isNotNull();
        assertThat(row("a", "nul").fullName()).isNull();
        for (String e : List.of("b", "c")) {
            // The first was one person and went everywhere; the second is the same person again: held back.
            assertThat(row(e, "Dup_Name")).as("Dup_Name in %s", e).isNotNull();
            assertThat(row(e, "dup name")).as("dup name in %s", e).isNull();
        }

        // What the operator sees: every bad event with its reason, where it was, and the key.
        List<JsonNode> q = entries(config);
        assertThat(entry(q, "a", "normalize", "username column username is empty for key " + nullAtBootstrap)
                .get("localKey").asText()).isEqualTo(nullAtBootstrap);
        assertThat(entry(q, "b", "normalize", "is empty for key " + blankAtBootstrap).get("position").asText()).isEqualTo("full read");
        assertThat(entry(q, "c", "correlate", "'___' is empty after normalization").get("localKey").asText()).isEqualTo(underscoresAtBootstrap);
        assertThat(entry(q, "b", "normalize", "is empty for key " + nullKey).get("position").asText()).startsWith("lsn=");
        entry(q, "c", "normalize", "is empty for key " + emptyKey);
        entry(q, "a", "normalize", "is empty for key " + spaceKey);
        assertThat(entry(q, "a", "correlate", "'_ _' is empty after normalization").get("localKey").asText()).isEqualTo(underscoreKey);
        JsonNode tooLong = entry(q, "c", "apply", "300 characters do not fit column full_name (at most 60)");
        assertThat(tooLong.get("username").asText()).isEqualTo("longname");
        JsonNode emoji = entry(q, "c", "apply", "cannot store characters outside the Basic Multilingual Plane (utf8mb3)");
        assertThat(emoji.get("username").asText()).isEqualTo("emoji");
        entry(q, "a", "apply", "display_name: PostgreSQL text cannot hold the NUL character");
        entry(q, "b", "apply", "display_name: PostgreSQL text cannot hold the NUL character");
        entry(q, "c", "apply", "50000 characters do not fit column full_name");
        assertThat(q).as("no other entries: %s", q).hasSize(12);
        assertThat(q).allSatisfy(e -> assertThat(e.toString()).doesNotContain(fx.instance("a").password()));
        Cli conflicts = cli("conflicts", "list", "-c", config.toString());
        assertThat(conflicts.out()).contains("identity").contains("dup name");
        Cli table = cli("quarantine", "list", "-c", config.toString());
        assertThat(table.out()).contains("id", "env", "stage", "reason").contains("12 entries");

        // retry before the cause is fixed: the value still does not fit, the entry stays.
        String tooLongId = tooLong.get("id").asText();
        String emojiId = emoji.get("id").asText();
        Cli early = cli("quarantine", "retry", tooLongId, "-c", config.toString());
        assertThat(early.code()).as(early.out() + early.err()).isEqualTo(1);
        assertThat(early.out()).contains("kept entry " + tooLongId).contains("still cannot store it");
        // Fix the cause (widen c's column, 4-byte UTF-8), retry: the running daemon writes the values.
        sql("c", "alter table users modify full_name varchar(400) character set utf8mb4");
        Cli retry = cli("quarantine", "retry", tooLongId, emojiId, "-c", config.toString());
        assertThat(retry.code()).as(retry.out() + retry.err()).isZero();
        assertThat(retry.out()).contains("retried entry " + tooLongId).contains("display_name planned for c").contains("2 retried, 0 kept");
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            assertThat(row("c", "longname").fullName()).isEqualTo(long300);
            assertThat(row("c", "emoji").fullName()).isEqualTo("Smile \uD83D\uDE00");
        });
        // A row fixed in its application flows as a normal change; retry re-reads it and the entry goes.
        fx.execute("b", "update users set username = 'fixed null' where id = " + nullKey);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> row("c", "fixed null") != null);
        String nullEntry = entry(entries(config), "b", "normalize", "is empty for key " + nullKey).get("id").asText();
        Cli reread = cli("quarantine", "retry", nullEntry, "-c", config.toString());
        assertThat(reread.out()).as(reread.err()).contains("retried entry " + nullEntry).contains("row read again from b");
        // A row still bad stays, with its reason now.
        String emptyEntry = entry(entries(config), "c", "normalize", "is empty for key " + emptyKey).get("id").asText();
        Cli still = cli("quarantine", "retry", emptyEntry, "-c", config.toString());
        assertThat(still.code()).isEqualTo(1);
        assertThat(still.out()).contains("kept entry " + emptyEntry).contains("still cannot be processed");
        // drop forgets them, after printing them.
        int left = entries(config).size();
        assertThat(left).isEqualTo(12 - 3);
        Cli drop = cli("quarantine", "drop", "--all", "-c", config.toString());
        assertThat(drop.code()).isZero();
        assertThat(drop.out()).contains("dropped entry " + emptyEntry).contains(left + " entries dropped");
        assertThat(entries(config)).isEmpty();
        assertThat(cli("quarantine", "list", "-c", config.toString()).out()).contains("the quarantine is empty");
        goodChangeStillPropagates("b");

        // 21. A mapped column dropped while running: a clear error for that environment, the others go on.
        sql("b", "alter table users drop column email");
        fx.update("a", "alice", "email", "alice@after-drop.example.org");
        await().atMost(Duration.ofSeconds(20)).until(() -> "alice@after-drop.example.org".equals(row("c", "alice").email()));
        await().atMost(Duration.ofSeconds(20)).until(() -> daemon.output().contains("write failed on b (permanent_environment)"));
        assertThat(daemon.output()).containsPattern("write failed on b \\(permanent_environment\\): .*column \"email\"");
        fx.update("b", "alice", "full_name", "Alice From B");   // b's capture goes on
        await().atMost(Duration.ofSeconds(20)).until(() -> "Alice From B".equals(row("c", "alice").fullName()));
        goodChangeStillPropagates("a", List.of("a", "c"));
        cases.add("DROP COLUMN of a mapped column while running");
        cases.add("bootstrap: NULL username");
        cases.add("bootstrap: blank username");
        cases.add("bootstrap: username empty after normalization");

        assertThat(daemon.stop()).isIn(0, 143);
        System.out.println("BadInputIT generic farm: " + cases.size() + " data cases: " + cases);
    }


    // ------------------------------------------------------------------------------------ built-in profiles

    private static final long T = 1_767_000_000L;   // a Unix time in the past
    private final Map<String, io.accountsync.testsupport.DbInstance> instances = new LinkedHashMap<>();
    private final Map<String, String> databases = new LinkedHashMap<>();
    private final Map<String, java.sql.Connection> connections = new LinkedHashMap<>();
    private int metricsPort;

    @AfterEach
    void dropFarm() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        for (java.sql.Connection c : connections.values()) {
            c.close();
        }
        databases.forEach((env, db) -> instances.get(env).dropDatabase(db));
    }

    private java.sql.Connection trac() {
        return connections.get("trac");
    }

    private java.sql.Connection wiki() {
        return connections.get("wiki");
    }

    private java.sql.Connection lms() {
        return connections.get("lms");
    }

    /** Trac on pg1, MediaWiki on MariaDB, Moodle on pg2, as MixedFarmIT has them; the config file. */
    private Path farm() throws Exception {
        instances.put("trac", io.accountsync.testsupport.TestDatabases.pg1());
        instances.put("wiki", io.accountsync.testsupport.TestDatabases.mariadb());
        instances.put("lms", io.accountsync.testsupport.TestDatabases.pg2());
        for (Map.Entry<String, io.accountsync.testsupport.DbInstance> e : instances.entrySet()) {
            String db = e.getValue().createDatabase("bad" + e.getKey());
            databases.put(e.getKey(), db);
            connections.put(e.getKey(), e.getValue().connect(db));
        }
        TracFixture.create(trac(), Dialect.POSTGRESQL, "");
        MediaWikiFixture.create(wiki(), Dialect.MARIADB, "");
        MoodleFixture.create(lms(), Dialect.POSTGRESQL, MoodleFixture.PREFIX);
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        Path pw = tmp.resolve("farm.pw");
        Files.writeString(pw, instances.get("trac").password() + "\n");
        String suffix = Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 40), 36);
        StringBuilder y = new StringBuilder();
        y.append("data_dir: ").append(tmp.resolve("data-farm")).append('\n');
        y.append("dry_run: false\nmetrics:\n  port: ").append(metricsPort).append('\n');
        y.append("apply:\n  retry_initial: 200ms\n  retry_max: 3s\n");
        y.append("conflicts:\n  policy: newer\n  granularity: field\n");
        y.append("environments:\n");
        Map<String, String> types = Map.of("trac", "trac", "wiki", "mediawiki", "lms", "moodle");
        for (String env : instances.keySet()) {
            io.accountsync.testsupport.DbInstance db = instances.get(env);
            y.append("  ").append(env).append(":\n    dialect: ").append(db.dialect().configName()).append('\n');
            y.append("    connection:\n      host: ").append(db.host()).append("\n      port: ").append(db.port())
                    .append("\n      database: ").append(databases.get(env)).append("\n      user: ").append(db.user())
                    .append("\n      password_file: ").append(pw).append('\n');
            y.append("    profile:\n      type: ").append(types.get(env)).append('\n');
            if (db.dialect() == Dialect.POSTGRESQL) {
                y.append("    debezium:\n      slot.name: s_").append(env).append('_').append(suffix)
                        .append("\n      publication.name: p_").append(env).append('_').append(suffix).append('\n');
            }
        }
        Path file = tmp.resolve("farm.yaml");
        Files.writeString(file, y.toString());
        return file;
    }

    private void farmSql(String env, String sql, Object... args) throws Exception {
        try (var ps = connections.get(env).prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    private String tracName(String sid) throws Exception {
        return TracFixture.attributes(trac(), Dialect.POSTGRESQL, "", sid, 1).get("name");
    }

    private String wikiName(String name) throws Exception {
        long id = MediaWikiFixture.idOf(wiki(), Dialect.MARIADB, "", name);
        return id < 0 ? null : MediaWikiFixture.settings(wiki(), Dialect.MARIADB, "", id).realName();
    }

    private Map<String, Object> moodle(String username) throws Exception {
        long id = MoodleFixture.idOf(lms(), MoodleFixture.PREFIX, username, 1);
        return id < 0 ? null : MoodleFixture.row(lms(), MoodleFixture.PREFIX, id);
    }

    private int farmRound;

    /** A good change of the witness in {@code env}, made the application's way; then every application shows it. */
    private void farmGoodChangeStillPropagates(String env) throws Exception {
        String last = "Round" + (++farmRound) + env;
        String name = "Witness " + last;
        switch (env) {
            case "trac" -> TracFixture.save(trac(), Dialect.POSTGRESQL, "", "witness",
                    TracFixture.attrs("name", name, "email", "witness@example.org"));
            case "wiki" -> MediaWikiFixture.saveSettings(wiki(), Dialect.MARIADB, "",
                    MediaWikiFixture.idOf(wiki(), Dialect.MARIADB, "", "Witness"), st -> st.withRealName(name));
            case "lms" -> MoodleFixture.updateUser(lms(), MoodleFixture.PREFIX,
                    MoodleFixture.idOf(lms(), MoodleFixture.PREFIX, "witness", 1), Map.of("lastname", last), T + 1000 + farmRound);
            default -> throw new IllegalArgumentException(env);
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() -> {
            assertThat(tracName("witness")).as("trac (log %s)", daemon.log()).isEqualTo(name);
            assertThat(wikiName("Witness")).as("wiki").isEqualTo(name);
            assertThat(moodle("witness")).as("lms").containsEntry("firstname", "Witness").containsEntry("lastname", last);
        });
    }

    @Test
    void shouldQuarantineWhatEachApplicationCannotHoldOrRead() throws Exception {
        Path config = farm();
        List<String> cases = new ArrayList<>();
        TracFixture.addUser(trac(), Dialect.POSTGRESQL, "", "witness", "Witness Round0trac", "witness@example.org", T);
        TracFixture.addUser(trac(), Dialect.POSTGRESQL, "", "huck", "Huck Finn", "huck@example.org", T);
        TracFixture.addUser(trac(), Dialect.POSTGRESQL, "", "becky", "Becky Thatcher", "becky@example.org", T);
        // Bootstrap: a MediaWiki row whose user_touched is no timestamp, one whose user_touched is in 9999,
        // a Moodle row without username, one modified in the year 10000.
        long zeroTouched = MediaWikiFixture.addUser(wiki(), Dialect.MARIADB, "", "Zerotouch", "Zero Touch", "zt@example.org", false);
        farmSql("wiki", "update user set user_touched = '00000000000000' where user_id = ?", zeroTouched);
        long futureTouched = MediaWikiFixture.addUser(wiki(), Dialect.MARIADB, "", "Futuretouch", "Future Touch", "ft@example.org", false);
        farmSql("wiki", "update user set user_touched = '99991231235959' where user_id = ?", futureTouched);
        long noName = MoodleFixture.addUser(lms(), MoodleFixture.PREFIX,
                new MoodleFixture.User("noname", "No", "Name", "noname@example.org", "", true, 1), T);
        farmSql("lms", "update mdl_user set username = '' where id = ?", noName);
        MoodleFixture.addUser(lms(), MoodleFixture.PREFIX,
                new MoodleFixture.User("farfuture", "Far", "Future", "farfuture@example.org", "", true, 1), 253_402_300_800L);

        daemon = DaemonProcess.start(config, metricsPort, Map.of(), LOGS.resolve("badinput-apps-" + System.nanoTime() + ".log"));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
            assertThat(daemon.isAlive()).as("daemon alive; log %s", daemon.log()).isTrue();
            assertThat(daemon.metric("accountsync_env_up", null)).isEqualTo(3.0);
            assertThat(moodle("witness")).containsEntry("lastname", "Round0trac");
            assertThat(wikiName("Futuretouch")).isEqualTo("Future Touch");
            assertThat(tracName("Futuretouch")).isEqualTo("Future Touch");
            assertThat(tracName("farfuture")).isEqualTo("Far Future");
            assertThat(wikiName("Farfuture")).isEqualTo("Far Future");
            assertThat(wikiName("Huck")).isEqualTo("Huck Finn");
            assertThat(moodle("becky")).containsEntry("lastname", "Thatcher");
        });
        assertThat(moodle("zerotouch")).as("the unreadable row is not synced").isNull();
        assertThat(daemon.output()).containsPattern("WARN .*env wiki, local account " + futureTouched
                + " \\(Futuretouch\\): last activity 9999-12-31T23:59:59Z is not plausible");
        assertThat(daemon.output()).containsPattern("WARN .*env lms, local account \\d+ \\(farfuture\\): last activity "
                + "\\+?10000-01-01T00:00:00Z is not plausible");
        cases.addAll(List.of("MediaWiki user_touched 00000000000000 (bootstrap)", "MediaWiki user_touched in 9999 (bootstrap)",
                "Moodle empty username (bootstrap)", "Moodle timemodified in the year 10000 (bootstrap)"));

        // 1. Bytes that are not UTF-8 in MediaWiki's binary user_real_name.
        long huckWiki = MediaWikiFixture.idOf(wiki(), Dialect.MARIADB, "", "Huck");
        farmSql("wiki", "update user set user_real_name = X'48756B6BC328', user_touched = '20260101000000' where user_id = ?", huckWiki);
        farmGoodChangeStillPropagates("wiki");
        cases.add("invalid UTF-8 in MediaWiki user_real_name");
        // 2. ... and in its user_email (TINYTEXT in a binary table).
        long farWiki = MediaWikiFixture.idOf(wiki(), Dialect.MARIADB, "", "Farfuture");
        farmSql("wiki", "update user set user_email = X'66617240FF2E6F7267' where user_id = ?", farWiki);
        farmGoodChangeStillPropagates("wiki");
        cases.add("invalid UTF-8 in MediaWiki user_email");
        // 3. A user_email_authenticated that is no timestamp.
        long ztWiki = zeroTouched;
        farmSql("wiki", "update user set user_email_authenticated = 'yesterday', user_real_name = 'Zero Touch 2' where user_id = ?", ztWiki);
        farmGoodChangeStillPropagates("wiki");
        cases.add("MediaWiki user_email_authenticated not a timestamp");
        // 4. A MediaWiki row with an empty user_name.
        farmSql("wiki", "insert into user (user_name, user_real_name, user_password, user_newpassword, user_email, user_touched,"
                + " user_token) values ('', 'Nobody', '', '', 'nobody@example.org', '20260101000000', '')");
        farmGoodChangeStillPropagates("wiki");
        cases.add("MediaWiki empty user_name");
        // 5. An email longer than Moodle's 100 characters: Trac gets it, Moodle keeps the old one.
        String longEmail = MoodleFixture.emailOfLength(120);
        long witnessWiki = MediaWikiFixture.idOf(wiki(), Dialect.MARIADB, "", "Witness");
        MediaWikiFixture.addUser(wiki(), Dialect.MARIADB, "", "Longmail", "Long Mail", "short@example.org", true);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> moodle("longmail") != null);
        MediaWikiFixture.saveSettings(wiki(), Dialect.MARIADB, "", MediaWikiFixture.idOf(wiki(), Dialect.MARIADB, "", "Longmail"),
                st -> st.withEmail(longEmail));
        farmGoodChangeStillPropagates("wiki");
        assertThat(TracFixture.attributes(trac(), Dialect.POSTGRESQL, "", "Longmail", 1)).containsEntry("email", longEmail);
        assertThat(moodle("longmail")).containsEntry("email", "short@example.org");
        cases.add("email over Moodle's 100 characters");
        // 6. A first name over Moodle's 100 characters.
        String longFirst = "Bartholomew" + "x".repeat(100);
        MediaWikiFixture.addUser(wiki(), Dialect.MARIADB, "", "Longfirst", longFirst + " Smith", "lf@example.org", false);
        farmGoodChangeStillPropagates("wiki");
        assertThat(tracName("Longfirst")).isEqualTo(longFirst + " Smith");
        assertThat(moodle("longfirst")).as("created in Moodle without the name it cannot hold").isNotNull();
        cases.add("first name over Moodle's 100 characters");
        // 7. Two Trac sessions that are one person after normalization.
        TracFixture.addUser(trac(), Dialect.POSTGRESQL, "", "Becky", "Becky Upper", "upper@example.org", T);
        farmGoodChangeStillPropagates("trac");
        assertThat(moodle("becky")).containsEntry("firstname", "Becky").containsEntry("lastname", "Thatcher");
        cases.add("Trac sids colliding after normalization");
        // 8. A Moodle username blanked while streaming (white space only).
        long farLms = MoodleFixture.idOf(lms(), MoodleFixture.PREFIX, "farfuture", 1);
        farmSql("lms", "update mdl_user set username = '   ', timemodified = ? where id = ?", T + 5, farLms);
        farmGoodChangeStillPropagates("lms");
        cases.add("Moodle username blanked (stream)");

        List<JsonNode> q = entries(config);
        entry(q, "wiki", "normalize", "column user_touched holds '00000000000000', not a MediaWiki timestamp YYYYMMDDHHMMSS (user_id "
                + zeroTouched + ")");
        assertThat(entry(q, "lms", "normalize", "username is empty for id " + noName).get("localKey").asText())
                .isEqualTo(String.valueOf(noName));
        JsonNode badName = entry(q, "wiki", "normalize", "column user_real_name holds bytes that are not valid UTF-8 (user_id "
                + huckWiki + ")");
        assertThat(badName.get("localKey").asText()).isEqualTo(String.valueOf(huckWiki));
        assertThat(badName.get("position").asText()).contains("mariadb-bin");
        entry(q, "wiki", "normalize", "column user_email holds bytes that are not valid UTF-8 (user_id " + farWiki + ")");
        entry(q, "wiki", "normalize", "column user_email_authenticated holds 'yesterday', not a MediaWiki timestamp");
        entry(q, "wiki", "normalize", "user_name is empty for user_id");
        JsonNode longMail = entry(q, "lms", "apply", "email: 120 characters do not fit column email (at most 100)");
        assertThat(longMail.get("username").asText()).isEqualTo("longmail");
        entry(q, "lms", "apply", "display_name: 111 characters do not fit column firstname (at most 100)");
        entry(q, "lms", "normalize", "username is empty for id " + farLms);
        assertThat(q).as("no other entries: %s", q).hasSize(9);
        assertThat(cli("conflicts", "list", "-c", config.toString()).out()).contains("identity").contains("Becky");

        // Moodle's column widened: retry writes the long address there.
        Cli early = cli("quarantine", "retry", longMail.get("id").asText(), "-c", config.toString());
        assertThat(early.out()).contains("still cannot store it: email: 120 characters");
        farmSql("lms", "alter table mdl_user alter column email type varchar(255)");
        Cli retry = cli("quarantine", "retry", longMail.get("id").asText(), "-c", config.toString());
        assertThat(retry.code()).as(retry.out() + retry.err()).isZero();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() ->
                assertThat(moodle("longmail")).containsEntry("email", longEmail));
        // MediaWiki's bad bytes fixed in the wiki: the fix flows by itself; retry reads the row again and closes the entry.
        MediaWikiFixture.saveSettings(wiki(), Dialect.MARIADB, "", huckWiki, st -> st.withRealName("Huck Fixed").withEmail("huck@example.org"));
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> "Huck Fixed".equals(tracName("huck")));
        Cli reread = cli("quarantine", "retry", badName.get("id").asText(), "-c", config.toString());
        assertThat(reread.out()).as(reread.err()).contains("row read again from wiki").contains("username 'Huck'");
        Cli drop = cli("quarantine", "drop", "--all", "--env", "wiki", "-c", config.toString());
        assertThat(drop.out()).contains("dropped entry");
        assertThat(entries(config)).extracting(e -> e.get("env").asText()).containsOnly("lms");
        farmGoodChangeStillPropagates("trac");
        assertThat(daemon.stop()).isIn(0, 143);
        System.out.println("BadInputIT applications: " + cases.size() + " data cases: " + cases);
    }

    // ------------------------------------------------------------------------------------ environments

    /** One generic environment block; {@code table}/{@code nameColumn} say what the mapping expects. */
    private static String envBlock(String name, String dialect, String host, int port, String database, String user,
                                   Path pw, String profile) {
        return "  " + name + ":\n    dialect: " + dialect + "\n    connection:\n      host: " + host + "\n      port: " + port
                + "\n      database: " + database + "\n      user: " + user + "\n      password_file: " + pw + "\n"
                + "    profile:\n" + profile;
    }

    private static final String GENERIC = "      type: generic\n      table: users\n      key_column: id\n"
            + "      username_column: username\n      fields:\n        display_name: full_name\n        email: email\n";

    @Test
    void shouldNameWhatIsWrongWithAnEnvironmentAndWhere() throws Exception {
        io.accountsync.testsupport.DbInstance pg = io.accountsync.testsupport.TestDatabases.pg1();
        io.accountsync.testsupport.DbInstance maria = io.accountsync.testsupport.TestDatabases.mariadb();
        instances.put("pg", pg);
        instances.put("maria", maria);
        databases.put("pg", pg.createDatabase("badenv"));
        databases.put("maria", maria.createDatabase("badenv"));
        try (java.sql.Connection c = pg.connect(databases.get("pg")); Statement st = c.createStatement()) {
            st.execute("create table people (id serial primary key, username text not null, full_name text)");
            st.execute("alter table people replica identity full");
        }
        Path pw = tmp.resolve("env.pw");
        Files.writeString(pw, pg.password() + "\n");
        Path wrongPw = tmp.resolve("wrong.pw");
        Files.writeString(wrongPw, "not-the-password\n");
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String pgDb = databases.get("pg");
        String myDb = databases.get("maria");
        // Blocking: no retry fixes these, so `run` refuses to start and names each.
        String blocking = "data_dir: " + tmp.resolve("data-env") + "\ndry_run: false\nmetrics:\n  enabled: false\nenvironments:\n"
                + envBlock("mariaonpg", "mariadb", pg.host(), pg.port(), pgDb, pg.user(), pw,
                        GENERIC.replace("table: users", "table: users_m"))
                + envBlock("pgonmaria", "postgresql", maria.host(), maria.port(), myDb, maria.user(), pw, GENERIC)
                + envBlock("notable", "postgresql", pg.host(), pg.port(), pgDb, pg.user(), pw, GENERIC)
                + envBlock("nowiki", "mariadb", maria.host(), maria.port(), myDb, maria.user(), pw, "      type: mediawiki\n")
                + envBlock("nocolumn", "postgresql", pg.host(), pg.port(), pgDb, pg.user(), pw,
                        GENERIC.replace("table: users", "table: people"));
        // Not blocking: an environment can be down for a while; the daemon waits for it and says why.
        String transient_ = envBlock("closed", "postgresql", "127.0.0.1", closedPort, pgDb, pg.user(), pw, GENERIC)
                + envBlock("nohost", "postgresql", "no-such-host.invalid", 5432, pgDb, pg.user(), pw, GENERIC)
                + envBlock("badpassword", "postgresql", pg.host(), pg.port(), pgDb, pg.user(), wrongPw,
                        GENERIC.replace("table: users", "table: users_bp"))
                + envBlock("nodatabase", "mariadb", maria.host(), maria.port(), "no_such_database_x", maria.user(), pw, GENERIC);
        Path all = tmp.resolve("env-all.yaml");
        Files.writeString(all, blocking + transient_);
        Path blocked = tmp.resolve("env-blocked.yaml");
        Files.writeString(blocked, blocking);
        Path down = tmp.resolve("env-down.yaml");
        Files.writeString(down, "data_dir: " + tmp.resolve("data-down") + "\ndry_run: false\nmetrics:\n  enabled: false\nenvironments:\n"
                + envBlock("closed", "postgresql", "127.0.0.1", closedPort, pgDb, pg.user(), pw, GENERIC));
        List<String> cases = new ArrayList<>();

        Cli doctor = cli("doctor", "-c", all.toString(), "--json");
        assertThat(doctor.code()).as(doctor.out() + doctor.err()).isEqualTo(1);
        JsonNode report = JSON.readTree(doctor.out());
        assertThat(check(report, "mariaonpg", "dialect")).contains(pg.host() + ":" + pg.port() + " is a PostgreSQL server, but the dialect is mariadb");
        assertThat(check(report, "pgonmaria", "dialect")).contains("is a MariaDB server").contains("but the dialect is postgresql");
        assertThat(check(report, "notable", "tables")).contains("missing: public.users");
        assertThat(check(report, "nowiki", "tables")).contains("missing:").contains(myDb + ".user");
        assertThat(check(report, "nocolumn", "columns")).contains("public.people has no column email (profile.fields.email)");
        assertThat(check(report, "closed", "reachable")).contains("Connection refused at 127.0.0.1:" + closedPort);
        assertThat(check(report, "nohost", "reachable")).contains("host no-such-host.invalid is unknown");
        assertThat(check(report, "badpassword", "credentials")).contains("login refused");
        assertThat(check(report, "nodatabase", "database")).contains("database no_such_database_x does not exist");
        assertThat(doctor.out()).doesNotContain(pg.password()).doesNotContain("not-the-password");
        cases.addAll(List.of("mariadb dialect on a PostgreSQL port", "postgresql dialect on a MariaDB port",
                "generic table missing", "application (mediawiki) tables missing", "mapped column missing",
                "closed port", "unknown host", "wrong password", "database does not exist"));

        DaemonProcess.Result run = DaemonProcess.run(Map.of(), LOGS.resolve("badinput-env-run-" + System.nanoTime() + ".log"),
                "run", "-c", blocked.toString());
        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains("error: environment mariaonpg: dialect: " + pg.host() + ":" + pg.port() + " is a PostgreSQL server")
                .contains("fix: environments.mariaonpg.dialect: postgresql")
                .contains("error: environment pgonmaria: dialect:")
                .contains("error: environment notable: tables: missing: public.users")
                .contains("error: environment nowiki: tables: missing:")
                .contains("error: environment nocolumn: columns: public.people has no column email")
                .doesNotContain(pg.password());
        assertThat(tmp.resolve("data-env").resolve("capture")).doesNotExist();

        // A closed port is not a configuration error: the daemon starts, says which environment and why, and retries.
        DaemonProcess waiting = DaemonProcess.start(down, 0, Map.of(), LOGS.resolve("badinput-env-down-" + System.nanoTime() + ".log"));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> waiting.output().contains("capture of closed failed"));
            assertThat(waiting.isAlive()).isTrue();
            assertThat(waiting.output()).containsPattern("WARN .* closed .*capture of closed failed: .*127\\.0\\.0\\.1:" + closedPort
                    + ".*refused").doesNotContain(pg.password());
        } finally {
            waiting.kill();
        }
        System.out.println("BadInputIT environments: " + cases.size() + " cases: " + cases);
    }

    private static String check(JsonNode report, String env, String name) {
        for (JsonNode e : report.get("environments")) {
            if (e.get("name").asText().equals(env)) {
                for (JsonNode c : e.get("checks")) {
                    if (c.get("name").asText().equals(name)) {
                        assertThat(c.get("status").asText()).as("%s %s: %s", env, name, c).isEqualTo("FAIL");
                        assertThat(c.get("fix").asText()).as("%s %s has a fix", env, name).isNotBlank();
                        return c.get("detail").asText();
                    }
                }
                throw new AssertionError("no check " + name + " for " + env + " in " + e.toPrettyString());
            }
        }
        throw new AssertionError("no environment " + env + " in " + report);
    }
}
