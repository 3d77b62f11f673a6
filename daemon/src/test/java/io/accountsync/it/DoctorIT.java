package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountsync.cli.Main;
import io.accountsync.model.Dialect;
import io.accountsync.testsupport.DbInstance;
import io.accountsync.testsupport.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code accountsync doctor} against real servers: the three healthy private instances pass (only the
 * dev user's superuser powers are worth a warning); deliberately misconfigured ones each fail the one
 * check that names their problem, with the SQL or setting that fixes it.
 */
class DoctorIT {
    /** ops/dev/databases' optional instances: wal_level=replica, binlog_format=STATEMENT. */
    private static final int PGPLAIN_PORT = 25434;
    private static final int MARIADBSTMT_PORT = 23307;
    private static final Path LOGS = Path.of("target", "it-logs");
    private static final Pattern CHECK_LINE = Pattern.compile("(?m)^  (OK|WARN|FAIL)\\s+(\\S.*?)\\s{2,}");

    @TempDir
    Path tmp;

    @Test
    void shouldPassTheHealthyInstancesWithOnlyLeastPrivilegeWarnings() throws Exception {
        try (ThreeEnvFixture fx = new ThreeEnvFixture(tmp)) {
            Path config = fx.writeConfig("doctor", true, null);
            Path log = LOGS.resolve("doctor-healthy.log");
            Files.deleteIfExists(log);
            DaemonProcess.Result r = DaemonProcess.run(fx.processEnv(), log,
                    "doctor", "-c", config.toString());
            assertThat(r.exitCode()).as(r.output()).isZero();
            String out = r.output();
            assertThat(out).contains("3 environments checked: 0 FAIL, 3 WARN");
            List<String[]> lines = checkLines(out);
            assertThat(lines).as(out).noneMatch(l -> l[0].equals("FAIL"));
            // The dev user is a superuser / has ALL PRIVILEGES: that, and only that, is worth a warning.
            assertThat(lines.stream().filter(l -> l[0].equals("WARN")).map(l -> l[1]))
                    .as(out).containsExactly("least privilege", "least privilege", "least privilege");
            for (String check : List.of("wal_level", "replication privilege", "replication slots", "publication",
                    "replica identity", "log_bin", "binlog_format", "binlog_row_image", "gtid", "grants",
                    "columns", "write privileges")) {
                assertThat(lines).as(check + " in\n" + out).anyMatch(l -> l[0].equals("OK") && l[1].equals(check));
            }
            assertThat(out).contains("fix: ALTER ROLE accountsync NOSUPERUSER REPLICATION;")
                    .contains("fix: REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'accountsync'@'127.0.0.1';")
                    .doesNotContain(fx.instance("a").password());
        }
    }

    @Test
    void shouldFailEachMisconfigurationWithItsFix() throws Exception {
        DbInstance pg1 = TestDatabases.pg1();
        DbInstance pg2 = TestDatabases.pg2();
        DbInstance maria = TestDatabases.mariadb();
        DbInstance pgplain = new DbInstance("pgplain", Dialect.POSTGRESQL, pg1.host(), PGPLAIN_PORT, pg1.user(), pg1.password());
        DbInstance mariastmt = new DbInstance("mariadbstmt", Dialect.MARIADB, maria.host(), MARIADBSTMT_PORT,
                maria.user(), maria.password());
        String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        String weak = "doctor_weak_" + suffix;
        String weakPassword = "weak-" + suffix;
        String wrongPassword = "not-the-password-" + suffix;
        Path devPw = write("dev.pw", pg1.password());
        Path weakPw = write("weak.pw", weakPassword);
        Path wrongPw = write("wrong.pw", wrongPassword);
        List<Runnable> cleanup = new ArrayList<>();
        boolean startedPlain = false;
        boolean startedStmt = false;
        try {
            // The optional instances are not part of `ops/dev/databases start`: start them here, stop them after.
            if (!pgplain.reachable()) {
                pgplain.start();
                startedPlain = true;
            }
            if (!mariastmt.reachable()) {
                mariastmt.start();
                startedStmt = true;
            }
            Map<String, String> envs = new LinkedHashMap<>();

            String plainDb = database(pgplain, "doctorplain", cleanup, "create table users (id serial primary key,"
                    + " username text not null, full_name text, email text)", "alter table users replica identity full");
            envs.put("plain", env(pgplain, plainDb, pg1.user(), devPw, "full_name"));

            String stmtDb = database(mariastmt, "doctorstmt", cleanup, "create table users (id int auto_increment"
                    + " primary key, username varchar(100) not null, full_name varchar(100), email varchar(100))");
            envs.put("stmt", env(mariastmt, stmtDb, maria.user(), devPw, "full_name"));

            String pgWeakDb = database(pg1, "doctorweak", cleanup, "create table users (id serial primary key,"
                    + " username text not null, full_name text, email text)", "alter table users replica identity full",
                    "create role " + weak + " login password '" + weakPassword + "'");
            cleanup.add(() -> exec(pg1, "postgres", "drop role if exists " + weak));
            envs.put("pgweak", env(pg1, pgWeakDb, weak, weakPw, "full_name"));

            String myWeakDb = database(maria, "doctorweak", cleanup, "create table users (id int auto_increment"
                    + " primary key, username varchar(100) not null, full_name varchar(100), email varchar(100))");
            exec(maria, myWeakDb, "create user '" + weak + "'@'127.0.0.1' identified by '" + weakPassword + "'");
            cleanup.add(() -> exec(maria, "mysql", "drop user if exists '" + weak + "'@'127.0.0.1'"));
            exec(maria, myWeakDb, "grant select on `" + myWeakDb + "`.* to '" + weak + "'@'127.0.0.1'");
            envs.put("myweak", env(maria, myWeakDb, weak, weakPw, "full_name"));

            // No REPLICA IDENTITY FULL, and a mapping that names a column the table does not have.
            String noIdentDb = database(pg2, "doctornoident", cleanup, "create table users (id serial primary key,"
                    + " username text not null, full_name text, email text)");
            envs.put("noident", env(pg2, noIdentDb, pg2.user(), devPw, "nickname"));

            DbInstance nowhere = new DbInstance("down", Dialect.POSTGRESQL, "127.0.0.1", freePort(), "x", "x");
            envs.put("down", env(nowhere, "wiki", pg2.user(), devPw, "full_name"));
            envs.put("badpw", env(maria, "mysql", maria.user(), wrongPw, "full_name"));
            envs.put("off", "    enabled: false\n" + env(nowhere, "other", pg2.user(), devPw, "full_name"));

            StringBuilder yaml = new StringBuilder("data_dir: " + tmp.resolve("data") + "\nenvironments:\n");
            envs.forEach((name, block) -> yaml.append("  ").append(name).append(":\n").append(block));
            Path config = tmp.resolve("doctor.yaml");
            Files.writeString(config, yaml.toString());

            long start = System.nanoTime();
            Run json = doctor("doctor", "-c", config.toString(), "--json");
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(json.exitCode()).as(json.out() + json.err()).isEqualTo(1);
            JsonNode root = new ObjectMapper().readTree(json.out());
            assertThat(root.get("ok").asBoolean()).isFalse();

            JsonNode plain = check(root, "plain", "wal_level");
            assertThat(plain.get("status").asText()).isEqualTo("FAIL");
            assertThat(plain.get("detail").asText()).contains("replica");
            assertThat(plain.get("fix").asText()).startsWith("ALTER SYSTEM SET wal_level = logical;");
            assertThat(status(root, "plain", "replication slots")).isEqualTo("OK");

            JsonNode stmt = check(root, "stmt", "binlog_format");
            assertThat(stmt.get("status").asText()).isEqualTo("FAIL");
            assertThat(stmt.get("detail").asText()).contains("STATEMENT");
            assertThat(stmt.get("fix").asText()).contains("SET GLOBAL binlog_format = 'ROW';")
                    .contains("my.cnf [mysqld]: binlog_format = ROW");
            assertThat(status(root, "stmt", "binlog_row_image")).isEqualTo("OK");

            assertThat(fix(root, "pgweak", "replication privilege")).isEqualTo("ALTER ROLE " + weak + " REPLICATION;");
            assertThat(fix(root, "pgweak", "publication")).contains("GRANT CREATE ON DATABASE " + pgWeakDb + " TO " + weak + ";")
                    .contains("ALTER TABLE public.users OWNER TO " + weak + ";")
                    .contains("CREATE PUBLICATION accountsync_pgweak FOR TABLE public.users;");
            assertThat(fix(root, "pgweak", "read privileges")).isEqualTo("GRANT SELECT ON public.users TO " + weak + ";");
            assertThat(fix(root, "pgweak", "write privileges")).isEqualTo(
                    "GRANT SELECT, INSERT, UPDATE ON public.users TO " + weak + ";\n"
                            + "GRANT USAGE ON SEQUENCE public.users_id_seq TO " + weak + ";");
            assertThat(status(root, "pgweak", "least privilege")).isEqualTo("OK");

            String account = "'" + weak + "'@'127.0.0.1'";
            assertThat(fix(root, "myweak", "grants")).isEqualTo(
                    "GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO " + account + ";");
            assertThat(status(root, "myweak", "read privileges")).isEqualTo("OK");
            assertThat(fix(root, "myweak", "write privileges")).isEqualTo(
                    "GRANT INSERT, UPDATE ON `" + myWeakDb + "`.`users` TO " + account + ";");
            assertThat(status(root, "myweak", "least privilege")).isEqualTo("OK");

            assertThat(fix(root, "noident", "replica identity")).isEqualTo("ALTER TABLE public.users REPLICA IDENTITY FULL;");
            JsonNode columns = check(root, "noident", "columns");
            assertThat(columns.get("status").asText()).isEqualTo("FAIL");
            assertThat(columns.get("detail").asText()).contains("nickname (profile.fields.display_name)");
            assertThat(columns.get("fix").asText()).contains("profile.fields.display_name: nickname is not a column of public.users");

            JsonNode down = check(root, "down", "reachable");
            assertThat(down.get("status").asText()).isEqualTo("FAIL");
            assertThat(down.get("detail").asText()).contains("Connection refused");
            assertThat(down.get("fix").asText()).contains("connection.host and connection.port").contains("listen_addresses");
            assertThat(environment(root, "down").get("checks")).hasSize(1);

            assertThat(status(root, "badpw", "reachable")).isEqualTo("OK");
            assertThat(fix(root, "badpw", "credentials")).contains("ALTER USER '" + maria.user() + "'@'127.0.0.1'");
            assertThat(environment(root, "off").get("enabled").asBoolean()).isFalse();
            assertThat(environment(root, "off").get("checks")).isEmpty();
            assertThat(json.out()).doesNotContain(wrongPassword).doesNotContain(weakPassword)
                    .doesNotContain(pg1.password());
            assertThat(elapsedMs).as("all environments are checked at once").isLessThan(20_000);

            Run text = doctor("doctor", "-c", config.toString());
            // Kept for a reader of a failed run (as the other ITs keep their logs).
            Files.createDirectories(LOGS);
            Files.writeString(LOGS.resolve("doctor-misconfigured.txt"), text.out() + text.err());
            assertThat(text.exitCode()).isEqualTo(1);
            assertThat(text.out()).contains("  FAIL  wal_level ")
                    .contains("fix: ALTER SYSTEM SET wal_level = logical;")
                    .contains("fix: ALTER ROLE " + weak + " REPLICATION;")
                    .contains("off  postgresql://")
                    .contains("disabled (enabled: false): not checked")
                    .containsPattern("7 environments checked: \\d+ FAIL");

            Run one = doctor("doctor", "-c", config.toString(), "--env", "plain", "--env", "myweak");
            assertThat(one.out()).contains("2 environments checked").doesNotContain("noident");
            assertThat(doctor("doctor", "-c", config.toString(), "--env", "nope").exitCode()).isEqualTo(2);
        } finally {
            for (int i = cleanup.size() - 1; i >= 0; i--) {
                try {
                    cleanup.get(i).run();
                } catch (RuntimeException ignored) {
                    // best effort: names are unique per run
                }
            }
            if (startedPlain) {
                pgplain.stop();
            }
            if (startedStmt) {
                mariastmt.stop();
            }
        }
    }

    @Test
    void shouldExitTwoOnABadConfig() throws Exception {
        Path config = tmp.resolve("bad.yaml");
        Files.writeString(config, "environments: {}\ncolour: blue\n");
        Run r = doctor("doctor", "-c", config.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("colour");
    }

    // ------------------------------------------------------------------------------------------

    private record Run(int exitCode, String out, String err) {
    }

    private static Run doctor(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** One configuration block for a generic users table; {@code nameColumn} is what display_name maps to. */
    private static String env(DbInstance db, String database, String user, Path passwordFile, String nameColumn) {
        return "    dialect: " + db.dialect().configName() + "\n"
                + "    connection:\n"
                + "      host: " + db.host() + "\n"
                + "      port: " + db.port() + "\n"
                + "      database: " + database + "\n"
                + "      user: " + user + "\n"
                + "      password_file: " + passwordFile + "\n"
                + "    profile:\n      type: generic\n      table: users\n      key_column: id\n"
                + "      username_column: username\n"
                + "      fields:\n        display_name: " + nameColumn + "\n        email: email\n";
    }

    /** A fresh database with the statements run in it, dropped by {@code cleanup}. */
    private static String database(DbInstance db, String prefix, List<Runnable> cleanup, String... statements)
            throws SQLException {
        String name = db.createDatabase(prefix);
        cleanup.add(() -> db.dropDatabase(name));
        try (Connection c = db.connect(name); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
        return name;
    }

    private static void exec(DbInstance db, String database, String sql) {
        try (Connection c = db.connect(database); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private Path write(String name, String content) throws java.io.IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, content + "\n");
        return p;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static JsonNode environment(JsonNode root, String env) {
        for (JsonNode e : root.get("environments")) {
            if (e.get("name").asText().equals(env)) {
                return e;
            }
        }
        throw new AssertionError("no environment " + env + " in " + root);
    }

    private static JsonNode check(JsonNode root, String env, String name) {
        for (JsonNode c : environment(root, env).get("checks")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " for " + env + " in " + environment(root, env).toPrettyString());
    }

    private static String status(JsonNode root, String env, String name) {
        return check(root, env, name).get("status").asText();
    }

    private static String fix(JsonNode root, String env, String name) {
        JsonNode c = check(root, env, name);
        assertThat(c.get("status").asText()).as(env + " " + name + ": " + c).isIn("FAIL", "WARN");
        return c.get("fix").asText();
    }

    /** {status, check name} of every check line of a text report. */
    private static List<String[]> checkLines(String text) {
        List<String[]> out = new ArrayList<>();
        Matcher m = CHECK_LINE.matcher(text);
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2)});
        }
        return out;
    }
}
