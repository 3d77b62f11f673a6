package io.accountsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountsync.config.AccountsyncConfig;
import io.accountsync.config.ConfigLoader;
import io.accountsync.pipeline.Wiring;
import io.accountsync.state.StateDao;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code accountsync quarantine list|retry|drop} against an H2 state store, without any environment
 * database: listing, masking, selecting, dropping, and the retries that must say why they cannot
 * happen (the retries that do happen run against real databases in BadInputIT).
 */
class QuarantineCommandTest {
    private static final String PASSWORD = "s3cret-pw-of-wiki1";
    private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private Path config;
    private long account;

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeEach
    void storeWithEntries() throws Exception {
        Files.writeString(dir.resolve("wiki1.pw"), PASSWORD + "\n");
        config = dir.resolve("accountsync.yaml");
        // Port 1: nothing listens there, so a retry that needs the database says so at once.
        Files.writeString(config, """
                data_dir: data
                dry_run: false
                environments:
                  wiki1:
                    dialect: postgresql
                    connection:
                      host: 127.0.0.1
                      port: 1
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
                """);
        AccountsyncConfig cfg = ConfigLoader.load(config);
        try (Connection c = Wiring.store(cfg, false).openForUse().connect()) {
            StateDao dao = new StateDao(c);
            dao.quarantine("wiki1", "normalize", "lsn=42", "7", null,
                    "env wiki1, table public.users at lsn=42: username column username is empty for key 7", null, AT);
            account = dao.createAccount("tom", AT);
            dao.upsertLink("wiki1", "3", account, "Tom", AT);
            dao.setCanonical(account, "email", new io.accountsync.state.CanonicalValue("tom@example.org", "wiki1", AT));
            dao.quarantine("wiki1", "apply", null, "3", account,
                    "write failed on wiki1 (permanent_value): the server said password=" + PASSWORD, "fields email", AT);
            dao.quarantine("gone", "normalize", "full read", null, null, "env gone: key column id is NULL", null, AT);
            c.commit();
        }
    }

    private List<JsonNode> json() throws Exception {
        Run list = run("quarantine", "list", "-c", config.toString(), "--json");
        assertThat(list.code()).as(list.err()).isZero();
        return List.copyOf(toList(new ObjectMapper().readTree(list.out())));
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    @Test
    void shouldListEveryEntryWithWhereAndWhyAndNeverASecret() throws Exception {
        Run table = run("quarantine", "list", "-c", config.toString());
        assertThat(table.code()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow())
                .contains("id").contains("env").contains("stage").contains("position").contains("local key").contains("account")
                .contains("when").contains("reason");
        assertThat(table.out()).contains("lsn=42").contains("#" + account + " Tom").contains("2026-03-01T12:00:00Z")
                .contains("username column username is empty for key 7").contains("3 entries")
                .doesNotContain(PASSWORD).contains("password=[hidden]");

        List<JsonNode> entries = json();
        assertThat(entries).hasSize(3);
        JsonNode normalize = entries.get(0);
        assertThat(normalize.get("env").asText()).isEqualTo("wiki1");
        assertThat(normalize.get("stage").asText()).isEqualTo("normalize");
        assertThat(normalize.get("position").asText()).isEqualTo("lsn=42");
        assertThat(normalize.get("localKey").asText()).isEqualTo("7");
        assertThat(normalize.get("account").isNull()).isTrue();
        JsonNode apply = entries.get(1);
        assertThat(apply.get("account").asLong()).isEqualTo(account);
        assertThat(apply.get("username").asText()).isEqualTo("Tom");
        assertThat(apply.get("payload").asText()).isEqualTo("fields email");
        assertThat(apply.get("at").asText()).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(entries.toString()).doesNotContain(PASSWORD);

        assertThat(run("quarantine", "list", "-c", config.toString(), "--env", "gone").out()).contains("1 entry")
                .doesNotContain("lsn=42");
    }

    @Test
    void shouldDropEntriesAfterPrintingThem() throws Exception {
        long first = json().get(0).get("id").asLong();
        Run drop = run("quarantine", "drop", String.valueOf(first), "-c", config.toString());
        assertThat(drop.code()).as(drop.err()).isZero();
        assertThat(drop.out()).contains("dropped entry " + first + " (normalize, wiki1, local key 7): env wiki1, table public.users")
                .contains("1 entry dropped");
        assertThat(json()).hasSize(2).noneMatch(e -> e.get("id").asLong() == first);

        Run env = run("quarantine", "drop", "--all", "--env", "gone", "-c", config.toString());
        assertThat(env.out()).contains("1 entry dropped");
        assertThat(json()).singleElement().satisfies(e -> assertThat(e.get("env").asText()).isEqualTo("wiki1"));

        Run all = run("quarantine", "drop", "--all", "-c", config.toString());
        assertThat(all.out()).contains("password=[hidden]").doesNotContain(PASSWORD);
        assertThat(run("quarantine", "list", "-c", config.toString()).out()).contains("the quarantine is empty");
        try (Connection c = Wiring.store(ConfigLoader.load(config), false).openForUse().connect()) {
            assertThat(new StateDao(c).auditLog(account)).extracting(StateDao.AuditEntry::action).contains("quarantine-drop");
        }
    }

    @Test
    void shouldRefuseAnUnclearSelection() {
        Run none = run("quarantine", "drop", "-c", config.toString());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("name entry ids, or --all (not both)");
        assertThat(run("quarantine", "retry", "1", "--all", "-c", config.toString()).code()).isEqualTo(2);
        assertThat(run("quarantine", "drop", "1", "--env", "wiki1", "-c", config.toString()).err())
                .contains("--env only goes with --all");
        Run missing = run("quarantine", "drop", "99", "-c", config.toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no quarantine entry 99");
        assertThat(run("quarantine").code()).isEqualTo(2);
    }

    @Test
    void shouldSayWhyAnEntryCannotBeRetriedAndKeepIt() throws Exception {
        List<JsonNode> before = json();
        long gone = before.get(2).get("id").asLong();
        long apply = before.get(1).get("id").asLong();
        Run r = run("quarantine", "retry", String.valueOf(gone), String.valueOf(apply), "-c", config.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out())
                .contains("kept entry " + gone + " (normalize, gone): environment gone is not configured or not enabled")
                .contains("kept entry " + apply + " (apply, wiki1, account #" + account + " Tom, local key 3): cannot read the "
                        + "column limits of wiki1")
                .contains("0 retried, 2 kept")
                .doesNotContain(PASSWORD);
        assertThat(json()).hasSize(3);
    }

    @Test
    void shouldKeepEntriesOfTheDryRunApart() throws Exception {
        Run dry = run("quarantine", "list", "-c", config.toString(), "--dry-run");
        assertThat(dry.code()).isZero();
        assertThat(dry.out()).contains("the quarantine is empty");
    }

    @Test
    void shouldTellTheFieldsOfAnApplyEntry() {
        assertThat(QuarantineCommand.Retry.refusedFields(entry("fields email,display_name", "x"))).containsExactly("email", "display_name");
        assertThat(QuarantineCommand.Retry.refusedFields(entry(null, "display_name: 300 characters do not fit column full_name")))
                .containsExactly("display_name");
        assertThat(QuarantineCommand.Retry.refusedFields(entry(null, "write failed on b (permanent_value): ERROR: x"))).isEmpty();
    }

    private static StateDao.QuarantineEntry entry(String payload, String reason) {
        return new StateDao.QuarantineEntry(1, "a", "apply", null, "1", 1L, reason, payload, AT);
    }
}
