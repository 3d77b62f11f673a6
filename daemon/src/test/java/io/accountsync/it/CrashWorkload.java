package io.accountsync.it;

import io.accountsync.model.Dialect;
import io.accountsync.model.Fields;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The crash suite's users: writer threads that update {@code full_name} or {@code email} of the
 * accounts {@code user0 … user<n-1>} in a random environment, one autocommit transaction per
 * update, and a ledger of every update committed.
 *
 * <p>"The last write" of a field must be well defined under {@code conflicts.policy: newer}, which
 * orders edits by their source commit time, and MariaDB's binlog dates a commit to the second
 * only. So each account belongs to one writer thread (its updates are sequential), and two updates
 * of one account are at least {@code minGap} (2 s) apart: the last one committed is also the one
 * with the latest commit time in every environment's log, with a margin larger than that second.
 *
 * <p>Values name the update that wrote them ({@code n<seq>-<env>}, {@code e<seq>-<env>@example.org}),
 * so a row read from any environment says which update it reflects.
 */
final class CrashWorkload implements AutoCloseable {
    /** The synced fields written, as the state store names them, and their columns. */
    static final List<String> FIELDS = List.of(Fields.DISPLAY_NAME, Fields.EMAIL);
    static final Map<String, String> COLUMNS = Map.of(Fields.DISPLAY_NAME, "full_name", Fields.EMAIL, "email");

    /** One committed update: its number, where, what, and the wall-clock window around its commit. */
    record Write(long seq, String env, String field, String value, Instant started, Instant committed) {
    }

    private final ThreeEnvFixture fx;
    private final int accounts;
    private final int updates;
    private final long periodNanos;
    private final long minGapNanos;
    private final long seed;
    private final int writers;
    private final List<List<List<Write>>> ledger = new ArrayList<>();   // [account][field] -> writes, in order
    private final AtomicLongArray lastSeq;                               // [account * 2 + field], -1 = seed value
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong committed = new AtomicLong();
    private final Map<String, AtomicLong> perEnv = new LinkedHashMap<>();
    private final AtomicLong deadlockRetries = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final Map<String, String> databases = new LinkedHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Object gateLock = new Object();
    private long gate = Long.MAX_VALUE;
    private long nextSlot;
    private volatile boolean stopping;

    /**
     * @param rate   updates per second over all writers
     * @param minGap the least time between two updates of one account
     */
    CrashWorkload(ThreeEnvFixture fx, int accounts, int updates, double rate, Duration minGap, long seed, int writers) {
        this.fx = fx;
        this.accounts = accounts;
        this.updates = updates;
        this.periodNanos = (long) (1e9 / rate);
        this.minGapNanos = minGap.toNanos();
        this.seed = seed;
        this.writers = writers;
        this.lastSeq = new AtomicLongArray(accounts * FIELDS.size());
        for (int i = 0; i < accounts * FIELDS.size(); i++) {
            lastSeq.set(i, -1);
        }
        for (int i = 0; i < accounts; i++) {
            List<List<Write>> perField = new ArrayList<>();
            for (int f = 0; f < FIELDS.size(); f++) {
                perField.add(new ArrayList<>());
            }
            ledger.add(perField);
        }
        ThreeEnvFixture.ENVS.forEach(env -> perEnv.put(env, new AtomicLong()));
    }

    static String username(int account) {
        return "user" + account;
    }

    /** The value the seeding wrote (what {@code SyncLoopIT}'s seeding writes too). */
    static String seedValue(int account, String field) {
        return field.equals(Fields.DISPLAY_NAME) ? "User " + account : "user" + account + "@example.org";
    }

    static String value(String field, long seq, String env) {
        return field.equals(Fields.DISPLAY_NAME) ? "n" + seq + "-" + env : "e" + seq + "-" + env + "@example.org";
    }

    /** The update a value was written by, or -1 for a seed value (or anything else). */
    static long seqOf(String value) {
        if (value == null || value.length() < 2 || (value.charAt(0) != 'n' && value.charAt(0) != 'e')) {
            return -1;
        }
        int dash = value.indexOf('-');
        if (dash < 2) {
            return -1;
        }
        try {
            return Long.parseLong(value.substring(1, dash));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Inserts every account into one environment each (round-robin a, b, c), for the bootstrap to spread. */
    void seed() throws SQLException {
        for (int i = 0; i < accounts; i++) {
            fx.insert(ThreeEnvFixture.ENVS.get(i % 3), username(i), seedValue(i, Fields.DISPLAY_NAME),
                    seedValue(i, Fields.EMAIL));
        }
    }

    void start() throws SQLException {
        nextSlot = System.nanoTime();
        for (String env : ThreeEnvFixture.ENVS) {
            databases.put(env, fx.connection(env).getCatalog());
        }
        for (int t = 0; t < writers; t++) {
            int partition = t;
            Map<String, Connection> own = new LinkedHashMap<>();
            for (String env : ThreeEnvFixture.ENVS) {
                // The fixture's connection is the test thread's; each writer opens its own to the same database.
                own.put(env, fx.instance(env).connect(databases.get(env)));
            }
            Thread thread = new Thread(() -> run(partition, own), "crash-writer-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void run(int partition, Map<String, Connection> connections) {
        Random random = new Random(seed * 31 + partition);
        long[] lastCommitNanos = new long[accounts];
        try {
            int account = partition;
            while (!stopping) {
                long seq = taken.getAndIncrement();
                if (seq >= updates) {
                    return;
                }
                awaitGate(seq);
                pace();
                long gapLeft = lastCommitNanos[account] == 0 ? 0 : lastCommitNanos[account] + minGapNanos - System.nanoTime();
                if (gapLeft > 0) {
                    LockSupport.parkNanos(gapLeft);
                }
                String env = ThreeEnvFixture.ENVS.get(random.nextInt(ThreeEnvFixture.ENVS.size()));
                int f = random.nextInt(FIELDS.size());
                String field = FIELDS.get(f);
                String value = value(field, seq, env);
                Instant started = Instant.now();
                int rows = update(connections, env, COLUMNS.get(field), username(account), value);
                Instant done = Instant.now();
                lastCommitNanos[account] = System.nanoTime();
                if (rows != 1) {
                    throw new AssertionError("update " + seq + " of " + username(account) + " in " + env + " changed " + rows + " rows");
                }
                List<Write> mine = ledger.get(account).get(f);
                synchronized (mine) {
                    mine.add(new Write(seq, env, field, value, started, done));
                }
                lastSeq.set(account * FIELDS.size() + f, seq);
                perEnv.get(env).incrementAndGet();
                committed.incrementAndGet();
                account += writers;
                if (account >= accounts) {
                    account = partition;
                }
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        } finally {
            connections.values().forEach(c -> {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // done anyway
                }
            });
        }
    }

    /**
     * One autocommit update; returns the rows it changed. A deadlock victim was rolled back and is
     * retried, as an application does. A broken connection (another test stopping a shared instance
     * for a while) leaves the outcome open: once connected again, the row says whether the update
     * committed (values are unique), and if not it is made again.
     */
    private int update(Map<String, Connection> connections, String env, String column, String username, String value)
            throws SQLException, InterruptedException {
        String now = fx.instance(env).dialect() == Dialect.POSTGRESQL ? "now()" : "current_timestamp(6)";
        for (int attempt = 1; ; attempt++) {
            try (PreparedStatement ps = connections.get(env).prepareStatement(
                    "update users set " + column + " = ?, updated_at = " + now + " where username = ?")) {
                ps.setString(1, value);
                ps.setString(2, username);
                return ps.executeUpdate();
            } catch (SQLTransactionRollbackException deadlock) {
                deadlockRetries.incrementAndGet();
                if (attempt == 10) {
                    throw deadlock;
                }
            } catch (SQLException broken) {
                if (connections.get(env).isValid(2) || attempt == 10) {
                    throw broken;
                }
                reconnects.incrementAndGet();
                connections.put(env, reconnect(env));
                try (PreparedStatement ps = connections.get(env).prepareStatement(
                        "select count(*) from users where username = ? and " + column + " = ?")) {
                    ps.setString(1, username);
                    ps.setString(2, value);
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getInt(1) == 1) {
                            return 1;
                        }
                    }
                }
            }
        }
    }

    private Connection reconnect(String env) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            try {
                return fx.instance(env).connect(databases.get(env));
            } catch (IllegalStateException down) {
                if (System.nanoTime() > deadline) {
                    throw down;
                }
                Thread.sleep(500);
            }
        }
    }

    /** Evenly paced, without a burst after a pause (a pause must not squeeze one account's updates together). */
    private void pace() {
        long slot;
        synchronized (this) {
            slot = Math.max(System.nanoTime(), nextSlot + periodNanos);
            nextSlot = slot;
        }
        long wait = slot - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    private void awaitGate(long seq) throws InterruptedException {
        synchronized (gateLock) {
            while (seq >= gate && !stopping) {
                gateLock.wait(100);
            }
        }
    }

    /** Updates numbered {@code limit} and later wait until the gate moves (the next kill has happened). */
    void gate(long limit) {
        synchronized (gateLock) {
            gate = limit;
            gateLock.notifyAll();
        }
    }

    /** Waits until update {@code seq} has been taken by a writer (or all are done); fails if a writer failed. */
    void awaitTaken(long seq) throws InterruptedException {
        while (taken.get() <= seq && !finished()) {
            checkWriters();
            Thread.sleep(2);
        }
        checkWriters();
    }

    /** Waits for every update to be committed. */
    void awaitDone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                throw new AssertionError("writers not done after " + timeout + ": " + committed.get() + " of " + updates + " committed");
            }
        }
        checkWriters();
    }

    private boolean finished() {
        return threads.stream().noneMatch(Thread::isAlive);
    }

    void checkWriters() {
        Throwable e = failure.get();
        if (e != null) {
            throw new AssertionError("a writer failed after " + committed.get() + " updates: " + e, e);
        }
    }

    long taken() {
        return Math.min(taken.get(), updates);
    }

    long committed() {
        return committed.get();
    }

    long deadlockRetries() {
        return deadlockRetries.get();
    }

    /** Connections the writers had to open again (another test stopped a shared instance meanwhile). */
    long reconnects() {
        return reconnects.get();
    }

    Map<String, Long> perEnv() {
        Map<String, Long> out = new LinkedHashMap<>();
        perEnv.forEach((env, n) -> out.put(env, n.get()));
        return out;
    }

    int accounts() {
        return accounts;
    }

    /** For each account and field, the update last committed so far (-1: none, the seed value holds). */
    long[] snapshot() {
        long[] out = new long[lastSeq.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = lastSeq.get(i);
        }
        return out;
    }

    /** Every update of one account's field, in commit order (read once the writers are done). */
    List<Write> writes(int account, String field) {
        List<Write> mine = ledger.get(account).get(FIELDS.indexOf(field));
        synchronized (mine) {
            return List.copyOf(mine);
        }
    }

    /** The value every environment must end with: the last one committed anywhere, or the seed value. */
    String expected(int account, String field) {
        List<Write> w = writes(account, field);
        return w.isEmpty() ? seedValue(account, field) : w.get(w.size() - 1).value();
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        gate(Long.MAX_VALUE);
        for (Thread t : threads) {
            t.join(10_000);
        }
    }
}
