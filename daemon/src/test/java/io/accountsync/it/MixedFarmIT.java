package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.accountsync.model.Dialect;
import io.accountsync.testsupport.DbInstance;
import io.accountsync.testsupport.TestDatabases;
import io.accountsync.testsupport.apps.MediaWikiFixture;
import io.accountsync.testsupport.apps.MoodleFixture;
import io.accountsync.testsupport.apps.TracFixture;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mixed farm under the daemon: Trac on PostgreSQL, MediaWiki on MariaDB, Moodle on PostgreSQL,
 * each written and read the way the application itself does it (the fixtures).
 */
class MixedFarmIT {
    private static final Path LOGS = Path.of("target", "it-logs");
    private static final long T = 1_767_000_000L;   // a Unix time in the past, for last visits

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    private final Map<String, DbInstance> instances = new LinkedHashMap<>();
    private final Map<String, String> databases = new LinkedHashMap<>();
    private final Map<String, Connection> connections = new LinkedHashMap<>();
    private DaemonProcess daemon;
    private int metricsPort;
    private final String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);

    @AfterEach
    void tearDown() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        for (Connection c : connections.values()) {
            c.close();
        }
        databases.forEach((env, db) -> instances.get(env).dropDatabase(db));
    }

    private Connection trac() {
        return connections.get("trac");
    }

    private Connection wiki() {
        return connections.get("wiki");
    }

    private Connection lms() {
        return connections.get("lms");
    }

    private void farm() throws Exception {
        instances.put("trac", TestDatabases.pg1());
        instances.put("wiki", TestDatabases.mariadb());
        instances.put("lms", TestDatabases.pg2());
        for (Map.Entry<String, DbInstance> e : instances.entrySet()) {
            String db = e.getValue().createDatabase("farm" + e.getKey());
            databases.put(e.getKey(), db);
            connections.put(e.getKey(), e.getValue().connect(db));
        }
        TracFixture.create(trac(), Dialect.POSTGRESQL, "");
        MediaWikiFixture.create(wiki(), Dialect.MARIADB, "");
        MoodleFixture.create(lms(), Dialect.POSTGRESQL, MoodleFixture.PREFIX);
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
    }

    private Path config(String name) throws Exception {
        StringBuilder y = new StringBuilder();
        y.append("data_dir: ").append(tmp.resolve("data-" + name)).append('\n');
        y.append("dry_run: false\nmetrics:\n  port: ").append(metricsPort).append('\n');
        y.append("apply:\n  retry_initial: 200ms\n  retry_max: 3s\n");
        y.append("conflicts:\n  policy: newer\n  granularity: field\n");
        y.append("environments:\n");
        Map<String, String> types = Map.of("trac", "trac", "wiki", "mediawiki", "lms", "moodle");
        for (String env : instances.keySet()) {
            DbInstance db = instances.get(env);
            y.append("  ").append(env).append(":\n    dialect: ").append(db.dialect().configName()).append('\n');
            y.append("    connection:\n      host: ").append(db.host()).append("\n      port: ").append(db.port())
                    .append("\n      database: ").append(databases.get(env)).append("\n      user: ").append(db.user())
                    .append("\n      password: ${").append(ThreeEnvFixture.PASSWORD_VAR).append("}\n");
            y.append("    profile:\n      type: ").append(types.get(env)).append('\n');
            if (db.dialect() == Dialect.POSTGRESQL) {
                y.append("    debezium:\n      slot.name: s_").append(env).append('_').append(suffix)
                        .append("\n      publication.name: p_").append(env).append('_').append(suffix).append('\n');
            }
        }
        Path file = tmp.resolve(name + ".yaml");
        Files.writeString(file, y.toString());
        return file;
    }

    private Map<String, String> processEnv() {
        return Map.of(ThreeEnvFixture.PASSWORD_VAR, instances.get("trac").password());
    }

    private DaemonProcess start(String name) throws Exception {
        DaemonProcess d = DaemonProcess.start(config(name), metricsPort, processEnv(), LOGS.resolve(name + "-" + System.nanoTime() + ".log"));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(d.isAlive()).as("daemon alive; log %s", d.log()).isTrue();
            assertThat(d.metric("accountsync_env_up", null)).isEqualTo(3.0);
        });
        return d;
    }

    private static String attr(Connection c, String sid, String name) throws Exception {
        return TracFixture.attributes(c, Dialect.POSTGRESQL, "", sid, 1).get(name);
    }

    private static Map<String, Object> moodle(Connection c, String username) throws Exception {
        return MoodleFixture.row(c, MoodleFixture.PREFIX, MoodleFixture.idOf(c, MoodleFixture.PREFIX, username, 1));
    }

    private static MediaWikiFixture.Settings wiki(Connection c, String name) throws Exception {
        return MediaWikiFixture.settings(c, Dialect.MARIADB, "", MediaWikiFixture.idOf(c, Dialect.MARIADB, "", name));
    }

    private void seed() throws Exception {
        TracFixture.addUser(trac(), Dialect.POSTGRESQL, "", "tom", "Tom Sawyer", "tom@example.org", T);
        MediaWikiFixture.addUser(wiki(), Dialect.MARIADB, "", "Tom", "Tom Sawyer", "tom@example.org", true);
        MoodleFixture.addUser(lms(), MoodleFixture.PREFIX,
                new MoodleFixture.User("tom", "Tom", "Sawyer", "tom@example.org", "", true, 1), T);
        TracFixture.addUser(trac(), Dialect.POSTGRESQL, "", "becky", "Becky Thatcher", "becky@example.org", T);
        MediaWikiFixture.addUser(wiki(), Dialect.MARIADB, "", "Huck", "Huckleberry Finn", "huck@example.org", false);
        MoodleFixture.addUser(lms(), MoodleFixture.PREFIX,
                new MoodleFixture.User("jim", "Jim", "Watson", "jim@example.org", "", true, 1), T);
    }

    @Test
    void shouldKeepAMixedFarmInLineInEachApplicationsOwnRepresentation() throws Exception {
        farm();
        seed();
        daemon = start("farm");
        // Bootstrap: everyone everywhere, in each application's own form.
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            assertThat(attr(trac(), "becky", "name")).isEqualTo("Becky Thatcher");
            assertThat(wiki(wiki(), "Becky").realName()).isEqualTo("Becky Thatcher");
            assertThat(moodle(lms(), "becky")).containsEntry("firstname", "Becky").containsEntry("lastname", "Thatcher");
            assertThat(attr(trac(), "Huck", "email")).isEqualTo("huck@example.org");
            assertThat(moodle(lms(), "huck")).containsEntry("firstname", "Huckleberry").containsEntry("lastname", "Finn");
            assertThat(wiki(wiki(), "Jim").realName()).isEqualTo("Jim Watson");
            assertThat(attr(trac(), "jim", "name")).isEqualTo("Jim Watson");
        });
        // A name change in Trac (its own save: all attributes deleted and re-inserted) reaches both others.
        TracFixture.save(trac(), Dialect.POSTGRESQL, "", "tom", TracFixture.attrs("name", "Thomas Sawyer", "email", "tom@example.org"));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            assertThat(wiki(wiki(), "Tom").realName()).isEqualTo("Thomas Sawyer");
            assertThat(moodle(lms(), "tom")).containsEntry("firstname", "Thomas").containsEntry("lastname", "Sawyer");
        });
        // An email change in MediaWiki (saveSettings) reaches Trac and Moodle.
        long huck = MediaWikiFixture.idOf(wiki(), Dialect.MARIADB, "", "Huck");
        MediaWikiFixture.saveSettings(wiki(), Dialect.MARIADB, "", huck, s -> s.withEmail("huck@river.example.org"));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            assertThat(attr(trac(), "Huck", "email")).isEqualTo("huck@river.example.org");
            assertThat(moodle(lms(), "huck")).containsEntry("email", "huck@river.example.org");
        });
        // A name change in Moodle (user_update_user) reaches Trac and MediaWiki.
        long jim = MoodleFixture.idOf(lms(), MoodleFixture.PREFIX, "jim", 1);
        MoodleFixture.updateUser(lms(), MoodleFixture.PREFIX, jim, Map.of("firstname", "James"), T + 100);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            assertThat(attr(trac(), "jim", "name")).isEqualTo("James Watson");
            assertThat(wiki(wiki(), "Jim").realName()).isEqualTo("James Watson");
        });

        // Rewrites are not changes: Trac saves of identical values and MediaWiki touches write nothing anywhere. Many
        // of them: a save's rows (attributes deleted, then inserted) handed on in two parts once made a transient
        // change, a repair of Trac's email verification, about one save in fifty.
        // Settled first: an echo of the edits above captured late (a loaded machine) may still bring a repair.
        daemon.awaitQuiet(Duration.ofSeconds(3), Duration.ofSeconds(60));
        double before = daemon.metric("accountsync_apply_statements_total", null);
        double eventsBefore = daemon.metric("accountsync_events_total", null);
        long becky = MediaWikiFixture.idOf(wiki(), Dialect.MARIADB, "", "Becky");
        for (int i = 0; i < 100; i++) {
            TracFixture.save(trac(), Dialect.POSTGRESQL, "", "becky", TracFixture.attrs("name", "Becky Thatcher", "email", "becky@example.org"));
            MediaWikiFixture.touch(wiki(), Dialect.MARIADB, "", becky);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> daemon.metric("accountsync_events_total", null) >= eventsBefore + 1);
        daemon.awaitQuiet(Duration.ofSeconds(3), Duration.ofSeconds(60));
        assertThat(daemon.metric("accountsync_apply_statements_total", null))
                .as(() -> "statements after rewrites; becky's audit trail:\n" + DaemonProcess.auditTrail(processEnv(),
                        LOGS.resolve("audit-becky.log"), tmp.resolve("farm.yaml"), "becky")).isEqualTo(before);
    }

    @Test
    void shouldReportTracUsernamesThatDifferOnlyInCaseAndWriteNeitherToMoodle() throws Exception {
        farm();
        TracFixture.addUser(trac(), Dialect.POSTGRESQL, "", "Tom", "Tom Upper", "upper@example.org", T);
        TracFixture.addUser(trac(), Dialect.POSTGRESQL, "", "tom", "Tom Lower", "lower@example.org", T);
        TracFixture.addUser(trac(), Dialect.POSTGRESQL, "", "becky", "Becky Thatcher", "becky@example.org", T);
        Path config = config("collision");
        DaemonProcess.Result r = DaemonProcess.run(processEnv(), LOGS.resolve("collision-bootstrap.log"), "bootstrap", "-c", config.toString());
        assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
        assertThat(moodle(lms(), "becky")).containsEntry("firstname", "Becky");
        assertThat(MoodleFixture.idOf(lms(), MoodleFixture.PREFIX, "tom", 1)).as("no tom in Moodle").isLessThanOrEqualTo(0);
        DaemonProcess.Result list = DaemonProcess.run(processEnv(), LOGS.resolve("collision-list.log"), "conflicts", "list", "-c", config.toString());
        assertThat(list.output()).contains("identity").contains("Tom").contains("tom");
    }
}
