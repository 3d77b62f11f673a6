package io.accountsync.bench;

import io.accountsync.capture.CaptureEngine;
import io.accountsync.capture.CaptureSettings;
import io.accountsync.capture.ChangeSink;
import io.accountsync.capture.EngineState;
import io.accountsync.capture.StreamingStatus;
import io.accountsync.model.RowChange;
import io.accountsync.testsupport.DbInstance;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The capture ceiling: accountsync's capture engine (Debezium embedded, the project's converter) with a sink that
 * does nothing, on a backlog. The engine first starts once without a snapshot, connects to the log and sees one
 * warm-up change, so that its offsets mark a position; it stops; {@code n} single-row updates are committed in
 * transactions of 1,000; the engine starts again from its offsets and the time until all {@code n} arrived is
 * measured. The rate is taken from the first delivered batch to the last (start-up is reported apart). A warm-up
 * round of up to 20,000 changes runs first, so that the figure is the engine's, not the JIT compiler's.
 */
final class CaptureCeiling {
    private static final int TX = 1000;
    private static final String MARK = "C-";
    private static final int WARM_UP = 20_000;

    /**
     * @param jvmCpuMsPerEvent      CPU of this JVM (Debezium's reader and task threads; the consumer only counts)
     *                              per event, from the first delivered batch to the last event
     * @param databaseCpuMsPerEvent CPU of the database servers per event over the same span (log decoding and
     *                              sending; nothing else runs on them then)
     */
    record Result(String dialect, long events, double eventsPerSecond, double startToFirstS, double startToLastS,
                  double writeS, double writeRate, double jvmCpuMsPerEvent, double databaseCpuMsPerEvent) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("events", events);
            m.put("events_per_s", Stats.round(eventsPerSecond, 0));
            m.put("engine_start_to_first_batch_s", Stats.round(startToFirstS, 2));
            m.put("engine_start_to_last_event_s", Stats.round(startToLastS, 2));
            m.put("events_per_s_including_start", Stats.round(events / startToLastS, 0));
            m.put("source_write_s", Stats.round(writeS, 2));
            m.put("source_write_rate", Stats.round(writeRate, 0));
            m.put("cpu_ms_per_event_jvm", Stats.round(jvmCpuMsPerEvent, 4));
            m.put("cpu_ms_per_event_databases", Stats.round(databaseCpuMsPerEvent, 4));
            return m;
        }
    }

    private CaptureCeiling() {
    }

    static Result run(DbInstance instance, int n, Path work) throws Exception {
        String tag = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        try (UsersDb db = UsersDb.create(instance, "benchcap")) {
            db.load(rows(n));
            String env = "ceiling-" + db.dialect().configName();
            Path dir = work.resolve(env + "-" + tag);
            CaptureSettings settings = new CaptureSettings(env, db.settings(), List.of(db.capturedTable()), dir,
                    4_000_000_000L + ThreadLocalRandom.current().nextLong(200_000_000L),
                    "bench_cap_" + tag, "bench_cap_" + tag, "no_data", Map.of());

            // 1. Connect once, see one change: the offsets now hold a position before the backlog.
            Counter warm = new Counter("W-", 1);
            CaptureEngine first = new CaptureEngine(settings, warm, null);
            first.start();
            try {
                awaitConnected(first, env);
                try (Connection c = db.connect();
                     PreparedStatement ps = c.prepareStatement("update users set full_name = ? where username = ?")) {
                    ps.setString(1, "W-warm");
                    ps.setString(2, DataSet.username(0));
                    ps.executeUpdate();
                }
                warm.await(first, Duration.ofSeconds(60));
            } finally {
                first.close();
            }

            // 2. A warm-up round (its own backlog, discarded: the JIT compiles the engine's hot path), then the
            //    measured backlog: n single-row updates, 1,000 per transaction, and the engine started again.
            backlog(db, "X-", Math.min(n, WARM_UP), settings, Duration.ofSeconds(300));
            long w0 = System.nanoTime();
            write(db, MARK, n);
            double writeS = (System.nanoTime() - w0) / 1e9;
            long t0 = System.nanoTime();
            Counter counter = backlog(db, MARK, n, settings, Duration.ofSeconds(120 + n / 1000));
            double span = (counter.lastAt - counter.firstAt) / 1e9;
            double rate = span > 0 ? (n - counter.firstBatch) / span : Double.NaN;
            long counted = n - counter.firstBatch;
            Result r = new Result(db.dialect().configName(), n, rate, (counter.firstAt - t0) / 1e9,
                    (counter.lastAt - t0) / 1e9, writeS, n / writeS, (counter.jvmCpuLast - counter.jvmCpuFirst) / counted,
                    (counter.dbCpuLast - counter.dbCpuFirst) / counted);
            Log.info(String.format("capture ceiling %s: %,d events, %,.0f events/s (start to first batch %.2f s);"
                            + " CPU per event: JVM %.4f ms, databases %.4f ms",
                    r.dialect(), n, rate, r.startToFirstS(), r.jvmCpuMsPerEvent(), r.databaseCpuMsPerEvent()));
            return r;
        }
    }

    /** Starts an engine from the stored offsets and waits until it delivered {@code n} changes marked {@code mark}. */
    private static Counter backlog(UsersDb db, String mark, int n, CaptureSettings settings, Duration timeout)
            throws Exception {
        if (!mark.equals(MARK)) {
            write(db, mark, n);
        }
        Counter counter = new Counter(mark, n);
        CaptureEngine engine = new CaptureEngine(settings, counter, null);
        engine.start();
        try {
            counter.await(engine, timeout);
        } finally {
            engine.close();
        }
        return counter;
    }

    /** n single-row updates of full_name to mark + i, 1,000 per transaction. */
    private static void write(UsersDb db, String mark, int n) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("update users set full_name = ? where username = ?")) {
                for (int i = 0; i < n; i++) {
                    ps.setString(1, mark + i);
                    ps.setString(2, DataSet.username(i));
                    ps.addBatch();
                    if ((i + 1) % TX == 0 || i == n - 1) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
            }
        }
    }

    static Iterator<UsersDb.Row> rows(int n) {
        return IntStream.range(0, n).mapToObj(i -> new UsersDb.Row(DataSet.username(i), "Person " + i,
                DataSet.username(i) + "@example.org", DataSet.T0.plusSeconds(i))).iterator();
    }

    private static void awaitConnected(CaptureEngine engine, String env) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (engine.state() != EngineState.RUNNING || !StreamingStatus.connected(env).orElse(false)) {
            failIfFailed(engine);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("capture of " + env + " did not connect within 120 s");
            }
            Thread.sleep(10);
        }
    }

    private static void failIfFailed(CaptureEngine engine) {
        if (engine.state() == EngineState.FAILED) {
            throw new IllegalStateException("capture engine of " + engine.env() + " failed: "
                    + engine.lastError().orElse("?"));
        }
    }

    /** Counts updates whose new full_name carries the mark; remembers when the first and the last arrived. */
    private static final class Counter implements ChangeSink {
        private final String mark;
        private final long expected;
        private final AtomicLong seen = new AtomicLong();
        volatile long firstAt;
        volatile long lastAt;
        volatile long firstBatch;
        volatile double jvmCpuFirst;
        volatile double jvmCpuLast;
        volatile double dbCpuFirst;
        volatile double dbCpuLast;

        Counter(String mark, long expected) {
            this.mark = mark;
            this.expected = expected;
        }

        @Override
        public void accept(List<RowChange> batch) {
            long now = System.nanoTime();
            long n = 0;
            for (RowChange r : batch) {
                if (r.op() == RowChange.Op.UPDATE && r.after() != null
                        && r.after().get("full_name") instanceof String s && s.startsWith(mark)) {
                    n++;
                }
            }
            if (n == 0) {
                return;
            }
            if (firstAt == 0) {
                firstAt = now;
                firstBatch = n;
                jvmCpuFirst = Procfs.cpuMs("self");
                dbCpuFirst = Procfs.databaseCpuMs();
            }
            if (seen.addAndGet(n) >= expected && lastAt == 0) {
                lastAt = now;
                jvmCpuLast = Procfs.cpuMs("self");
                dbCpuLast = Procfs.databaseCpuMs();
            }
        }

        void await(CaptureEngine engine, Duration timeout) throws InterruptedException, SQLException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (seen.get() < expected) {
                failIfFailed(engine);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("capture of " + engine.env() + " delivered " + seen.get() + " of "
                            + expected + " changes within " + timeout.toSeconds() + " s");
                }
                Thread.sleep(5);
            }
        }
    }
}
