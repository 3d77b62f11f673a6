package io.accountsync.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.config.AccountsyncConfig;
import io.accountsync.config.ConfigLoader;
import io.accountsync.metrics.Metrics;
import io.accountsync.model.RowChange;
import io.accountsync.state.CanonicalValue;
import io.accountsync.state.OutboxEntry;
import io.accountsync.state.StateCache;
import io.accountsync.state.StateDao;
import io.accountsync.state.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's account state cache ({@link StateCache}) changes no decision: the same captured batches
 * leave the same state with and without it, and a change made by another writer (an operator's
 * resolution) is seen by the next batch. Runs on H2 state stores; no environment database is needed.
 */
class ChangeProcessorCacheTest {
    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);
    private static final String TABLE = "public.users";

    @TempDir
    Path dir;

    private record Batch(String env, List<RowChange> rows) {
    }

    private static Map<String, Object> row(long id, String username, String fullName, String email) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("username", username);
        m.put("full_name", fullName);
        m.put("email", email);
        return m;
    }

    private static RowChange insert(String env, long lsn, Map<String, Object> after) {
        return new RowChange(env, TABLE, RowChange.Op.CREATE, null, after, T0.plusSeconds(lsn), "lsn=" + lsn, "tx" + lsn);
    }

    private static RowChange update(String env, long lsn, Map<String, Object> before, Map<String, Object> after) {
        return new RowChange(env, TABLE, RowChange.Op.UPDATE, before, after, T0.plusSeconds(lsn), "lsn=" + lsn, "tx" + lsn);
    }

    private static RowChange delete(String env, long lsn, Map<String, Object> before) {
        return new RowChange(env, TABLE, RowChange.Op.DELETE, before, null, T0.plusSeconds(lsn), "lsn=" + lsn, "tx" + lsn);
    }

    /** New accounts, links across environments, edits, no-op rewrites, a replay, a conflict that holds, a delete. */
    private static List<Batch> workload() {
        Map<String, Object> tomA = row(1, "tom", "Tom", "tom@example.org");
        Map<String, Object> tomA2 = row(1, "tom", "Tom S", "tom@example.org");
        Map<String, Object> tomB = row(7, "Tom", "Tom", "tom@example.org");
        Map<String, Object> tomB2 = row(7, "Tom", "Tom S", "tom@example.org");
        Map<String, Object> ann = row(2, "ann", "Ann", "ann@example.org");
        Map<String, Object> ann2 = row(2, "ann", "Ann B", "ann@example.org");
        Map<String, Object> annC = row(5, "ann", "Ann", "ann@other.example");
        Map<String, Object> annB = row(9, "ann", "Ann", "ann@example.org");
        return List.of(
                new Batch("a", List.of(insert("a", 100, tomA), insert("a", 101, ann))),
                new Batch("b", List.of(insert("b", 100, tomB))),
                new Batch("a", List.of(update("a", 200, tomA, tomA2))),
                new Batch("b", List.of(update("b", 210, tomB, tomB2))),             // already canonical: nothing
                new Batch("a", List.of(update("a", 205, tomA2, row(1, "tom", "Tom T", "tom@example.org")))),
                new Batch("a", List.of(update("a", 200, tomA, tomA2))),             // delivered again: a replay
                new Batch("b", List.of(insert("b", 220, annB))),
                new Batch("c", List.of(insert("c", 300, annC))),                    // a different email: a conflict
                new Batch("a", List.of(update("a", 310, ann, ann2))),               // held by the open conflict
                new Batch("b", List.of(delete("b", 320, tomB2))),
                new Batch("a", List.of(update("a", 330, row(1, "tom", "Tom T", "tom@example.org"),
                                row(1, "tom", "Tom Sawyer", "tom@example.org")),
                        update("a", 331, row(1, "tom", "Tom Sawyer", "tom@example.org"),
                                row(1, "tom", "Tom Sawyer", "tom@sawyer.example")))));
    }

    private Path config(String name) throws Exception {
        StringBuilder envs = new StringBuilder();
        for (String env : List.of("a", "b", "c")) {
            envs.append("""
                      %s:
                        dialect: postgresql
                        connection:
                          host: 127.0.0.1
                          port: 1
                          database: app_%s
                          user: sync
                          password_file: pw
                        profile:
                          type: generic
                          table: users
                          key_column: id
                          username_column: username
                          fields:
                            display_name: full_name
                            email: email
                    """.formatted(env, env));
        }
        Path d = Files.createDirectories(dir.resolve(name));
        Files.writeString(d.resolve("pw"), "not-used\n");
        Path config = d.resolve("accountsync.yaml");
        Files.writeString(config, "data_dir: data\nconflicts:\n  policy: skip\n  granularity: record\nenvironments:\n" + envs);
        return config;
    }

    private record Run(StateStore store, ChangeProcessor processor) implements AutoCloseable {
        @Override
        public void close() {
            processor.close();
        }
    }

    private Run start(String name, StateCache cache) throws Exception {
        AccountsyncConfig cfg = ConfigLoader.load(config(name));
        StateStore store = Wiring.store(cfg, false).openForUse();
        Map<String, EnvironmentRuntime> envs = Wiring.environments(cfg);
        ChangeProcessor p = new ChangeProcessor(store, envs, new EchoRegistry(CLOCK), new Metrics(), CLOCK,
                Wiring.policy(cfg), e -> { }, cache);
        envs.keySet().forEach(e -> p.open(e, null));
        return new Run(store, p);
    }

    private static void process(Run run, Batch b) throws Exception {
        run.processor().process(b.env(), b.rows());
    }

    /** Every row of the account-state tables, in key order (store facts differ: they hold the cache's epoch). */
    private static List<String> contents(StateStore store) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = store.connect(); Statement st = c.createStatement()) {
            for (String t : List.of("account", "account_link", "canonical_value", "conflict", "outbox", "audit_log",
                    "quarantine", "env_state")) {
                try (ResultSet rs = st.executeQuery("select * from " + t + " order by 1, 2")) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder sb = new StringBuilder(t);
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            sb.append(" | ").append(md.getColumnName(i)).append('=').append(rs.getString(i));
                        }
                        out.add(sb.toString());
                    }
                }
            }
            c.commit();
        }
        return out;
    }

    @Test
    void shouldLeaveTheSameStateWithAndWithoutTheCache() throws Exception {
        StateCache cache = new StateCache(1000);
        List<String> cached;
        List<String> uncached;
        try (Run withCache = start("cached", cache); Run without = start("uncached", new StateCache(0))) {
            for (Batch b : workload()) {
                process(withCache, b);
                process(without, b);
            }
            cached = contents(withCache.store());
            uncached = contents(without.store());
        }
        assertThat(cache.hits()).as("batches answered from memory").isGreaterThanOrEqualTo(6);
        assertThat(cached).isEqualTo(uncached);
        assertThat(cached).anyMatch(r -> r.startsWith("conflict |") && r.contains("email"))
                .anyMatch(r -> r.startsWith("audit_log |") && r.contains("ACTION=held"))
                .anyMatch(r -> r.startsWith("account_link |") && r.contains("LOCAL_KEY=7") && r.contains("DELETED=TRUE"))
                .anyMatch(r -> r.startsWith("canonical_value |") && r.contains("VAL=tom@sawyer.example"));
    }

    @Test
    void shouldSeeAChangeAnotherWriterMadeWhenItSaysSo() throws Exception {
        assertThat(repairAfterOperatorEdit(true)).as("patches for b after the operator's edit")
                .extracting(e -> e.patch().values().get("display_name")).containsExactly("Thomas");
        // The control: an operator edit that does not say so is not seen (the cache answered) — the check above can fail.
        assertThat(repairAfterOperatorEdit(false)).isEmpty();
    }

    /** Tom is known to the cache; an operator sets his name to Thomas; b then shows the old name without editing it. */
    private List<OutboxEntry> repairAfterOperatorEdit(boolean tellTheCache) throws Exception {
        StateCache cache = new StateCache(1000);
        Map<String, Object> tomA = row(1, "tom", "Tom", "tom@example.org");
        Map<String, Object> tomB = row(7, "tom", "Tom", "tom@example.org");
        try (Run run = start("operator-" + tellTheCache, cache)) {
            process(run, new Batch("a", List.of(insert("a", 100, tomA))));
            process(run, new Batch("b", List.of(insert("b", 100, tomB))));
            try (Connection c = run.store().connect()) {
                StateDao dao = new StateDao(c);
                long gid = dao.accountByKey("tom").orElseThrow();
                dao.setCanonical(gid, "display_name", new CanonicalValue("Thomas", "operator", T0), T0);
                dao.dequeue(dao.outbox("b", 100));
                if (tellTheCache) {
                    StateCache.changedElsewhere(dao, T0);
                }
                c.commit();
            }
            Map<String, Object> emailOnly = row(7, "tom", "Tom", "tom@b.example");
            process(run, new Batch("b", List.of(update("b", 200, tomB, emailOnly))));
            try (Connection c = run.store().connect()) {
                List<OutboxEntry> toB = new StateDao(c).outbox("b", 100);
                c.commit();
                return toB;
            }
        }
    }
}
