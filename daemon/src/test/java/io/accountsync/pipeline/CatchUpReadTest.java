package io.accountsync.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.accountsync.apply.PatchWriter;
import io.accountsync.config.AccountsyncConfig;
import io.accountsync.metrics.Metrics;
import io.accountsync.model.AccountChange;
import io.accountsync.model.Patch;
import io.accountsync.profile.ColumnLimits;
import io.accountsync.state.CanonicalValue;
import io.accountsync.state.StateDao;
import io.accountsync.state.StateStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full read of an environment whose capture starts without offsets (a new environment, deleted
 * offsets, or a daemon killed before its first offset flush), merged while accountsync's own patches
 * to that environment still wait in the outbox. Against an H2 state store, without any environment
 * database: the reads are given as the profile would produce them.
 *
 * <p>The crash suite met this once: killed seconds after its bootstrap, environment {@code a} had no
 * offsets file yet; at the restart its catch-up read showed values accountsync had not yet overwritten
 * there, stamped with the accounts' last activity, and under {@code newer} they won and went back to
 * every environment.
 */
class CatchUpReadTest {
    private static final Instant T1 = Instant.parse("2026-11-01T10:00:00Z");
    private static final Instant T2 = T1.plusSeconds(60);
    private static final Instant T3 = T1.plusSeconds(120);

    @TempDir
    Path dir;

    private StateStore store;
    private ChangeProcessor processor;
    private Map<String, EnvironmentRuntime> envs;

    @BeforeEach
    void pipeline() throws Exception {
        AccountsyncConfig cfg = UnreachableFarm.config(dir, """
                data_dir: data
                dry_run: false
                conflicts:
                  policy: newer
                  granularity: field
                """, List.of("a", "b"));
        store = Wiring.store(cfg, false).openForUse();
        envs = Wiring.environments(cfg);
        processor = new ChangeProcessor(store, envs, new EchoRegistry(Clock.systemUTC()), new Metrics(),
                Clock.systemUTC(), Wiring.policy(cfg), env -> { });
        // Both environments hold alice and bob with the same values: linked, nothing to write.
        for (String env : List.of("a", "b")) {
            processor.processRead(env, List.of(read(env, "1", "alice", "alice@old.example", T1),
                    read(env, "2", "bob", "bob@old.example", T1)), List.of());
        }
        // The creates the first read planned for the second are done (the second read found the accounts).
        try (Connection c = store.connect()) {
            c.createStatement().executeUpdate("delete from outbox");
            c.commit();
        }
    }

    @AfterEach
    void close() {
        if (processor != null) {
            processor.close();
        }
    }

    @Test
    void shouldNotTakeAValueAPatchWaitingInTheOutboxIsAboutToOverwriteForAnEdit() throws Exception {
        // alice's email changes in b: canonical, and a patch to a waits in the outbox.
        processor.processRead("b", List.of(read("b", "1", "alice", "alice@new.example", T2)), List.of());
        assertThat(outbox("a")).singleElement().satisfies(p -> assertThat(p.values()).containsEntry("email",
                "alice@new.example"));

        // a's catch-up read still shows the old email, and alice was active in a after the change in b.
        processor.processRead("a", List.of(read("a", "1", "alice", "alice@old.example", T3)), List.of());

        long alice = account("alice");
        assertThat(canonical(alice).get("email").value()).as("the newer value stays canonical")
                .isEqualTo("alice@new.example");
        assertThat(canonical(alice).get("email").sourceEnv()).isEqualTo("b");
        assertThat(outbox("b")).as("nothing goes back to b").isEmpty();
        assertThat(outbox("a")).as("a still gets the new email").isNotEmpty()
                .allSatisfy(p -> assertThat(p.values()).containsEntry("email", "alice@new.example"));
        assertThat(audit(alice)).as("the read records no change made in a")
                .noneMatch(e -> e.env().equals("a") && e.action().equals("change") && T3.equals(e.sourceTime()));
    }

    @Test
    void shouldStillTakeAnEditTheReadFindsWhereNoPatchIsWaiting() throws Exception {
        // alice has a patch waiting for a; bob has none, and the read finds his email edited in a.
        processor.processRead("b", List.of(read("b", "1", "alice", "alice@new.example", T2)), List.of());
        processor.processRead("a", List.of(read("a", "1", "alice", "alice@old.example", T3),
                read("a", "2", "bob", "bob@edited-in-a.example", T3)), List.of());

        long bob = account("bob");
        assertThat(canonical(bob).get("email").value()).isEqualTo("bob@edited-in-a.example");
        assertThat(canonical(bob).get("email").sourceEnv()).isEqualTo("a");
        assertThat(outbox("b")).singleElement().satisfies(p -> {
            assertThat(p.globalId()).isEqualTo(bob);
            assertThat(p.values()).containsEntry("email", "bob@edited-in-a.example");
        });
        assertThat(audit(bob)).anyMatch(e -> e.env().equals("a") && e.action().equals("change")
                && T3.equals(e.sourceTime()));
    }

    @Test
    void shouldTakeAnEditTheReadFindsWhereAPatchWaitsForTheSameFieldUnderThePolicy() throws Exception {
        // The patch to a expects alice's old email there; a user typed another one in a after the change
        // in b, and the capture that saw it is lost. The patch would not overwrite it (not what it expects).
        processor.processRead("b", List.of(read("b", "1", "alice", "alice@new.example", T2)), List.of());
        processor.processRead("a", List.of(read("a", "1", "alice", "alice@typed-in-a.example", T3)), List.of());

        long alice = account("alice");
        assertThat(canonical(alice).get("email").value()).as("newer: a's edit came later")
                .isEqualTo("alice@typed-in-a.example");
        assertThat(canonical(alice).get("email").sourceEnv()).isEqualTo("a");
        assertThat(outbox("b")).singleElement().satisfies(p -> assertThat(p.values())
                .containsEntry("email", "alice@typed-in-a.example"));
    }

    @Test
    void shouldNotTakeTheValueAWaitingPatchWritesForAnEdit() throws Exception {
        // The patch was written to a, but the daemon died before it left the outbox.
        processor.processRead("b", List.of(read("b", "1", "alice", "alice@new.example", T2)), List.of());
        processor.processRead("b", List.of(read("b", "1", "alice", "alice@newest.example", T2.plusSeconds(1))),
                List.of());
        processor.processRead("a", List.of(read("a", "1", "alice", "alice@new.example", T3)), List.of());

        long alice = account("alice");
        assertThat(canonical(alice).get("email").value()).isEqualTo("alice@newest.example");
        assertThat(canonical(alice).get("email").sourceEnv()).isEqualTo("b");
        assertThat(outbox("b")).isEmpty();
    }

    @Test
    void shouldJudgeAStreamedChangeByItsCommitTimeEvenWithAPatchWaiting() throws Exception {
        // A streamed change has a before image and a commit time: a waiting patch does not decide for it.
        processor.processRead("b", List.of(read("b", "1", "alice", "alice@new.example", T2)), List.of());
        long alice = account("alice");
        AccountChange streamed = new AccountChange("a", "1", "alice", AccountChange.Kind.UPSERT, false,
                Map.of("email", "alice@old.example"), Map.of("email", "alice@typed-in-a.example"), T3, "lsn=9", "tx9");
        var decision = io.accountsync.merge.Merger.decide(streamed, false, canonical(alice),
                envs.get("a").syncedFields(), io.accountsync.merge.MergePolicy.newerByField(List.of("a", "b")),
                java.util.Set.of(), java.util.Set.of("email"));
        assertThat(decision.updates()).containsKey("email");
    }

    @Test
    void shouldHoldAnEnvironmentsWritesUntilItsCatchUpIsMerged() throws Exception {
        processor.processRead("b", List.of(read("b", "1", "alice", "alice@new.example", T2)), List.of());
        List<Patch> written = new CopyOnWriteArrayList<>();
        AtomicBoolean caughtUp = new AtomicBoolean(false);
        ApplyWorker worker = new ApplyWorker(envs.get("a"), new RecordingWriter(written), store,
                new EchoRegistry(Clock.systemUTC()), new Metrics(), Clock.systemUTC(), 100, Duration.ofMillis(50),
                Duration.ofMillis(200));
        worker.holdWhile(() -> !caughtUp.get());
        worker.start();
        try {
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> written.isEmpty() && outbox("a").size() == 1);
            caughtUp.set(true);
            worker.wake();
            await().atMost(Duration.ofSeconds(10)).until(() -> outbox("a").isEmpty());
            assertThat(written).singleElement().satisfies(p -> assertThat(p.values())
                    .containsEntry("email", "alice@new.example"));
        } finally {
            worker.stop();
            worker.join(Duration.ofSeconds(5));
        }
    }

    private static AccountChange read(String env, String key, String username, String email, Instant lastActivity) {
        return new AccountChange(env, key, username, AccountChange.Kind.UPSERT, true, Map.of(),
                Map.of("email", email, "display_name", username.toUpperCase(java.util.Locale.ROOT)), lastActivity,
                "full read", null);
    }

    private long account(String username) throws Exception {
        try (Connection c = store.connect()) {
            return new StateDao(c).accountByKey(username).orElseThrow();
        }
    }

    private Map<String, CanonicalValue> canonical(long account) throws Exception {
        try (Connection c = store.connect()) {
            return new StateDao(c).canonical(account);
        }
    }

    private List<StateDao.AuditEntry> audit(long account) throws Exception {
        try (Connection c = store.connect()) {
            return new StateDao(c).auditLog(account);
        }
    }

    private List<Patch> outbox(String env) throws Exception {
        try (Connection c = store.connect()) {
            return new StateDao(c).outbox(env, 1000).stream().map(io.accountsync.state.OutboxEntry::patch).toList();
        }
    }

    /** Takes every write and remembers it. */
    private record RecordingWriter(List<Patch> written) implements PatchWriter {
        @Override
        public WriteResult write(List<Patch> patches, java.util.function.Consumer<String> ownTransaction,
                                 Lock commitWindow) {
            written.addAll(patches);
            return new WriteResult(patches.size(), patches.size(), null);
        }

        @Override
        public ColumnLimits limits() {
            return ColumnLimits.NONE;
        }

        @Override
        public void close() {
        }
    }
}
