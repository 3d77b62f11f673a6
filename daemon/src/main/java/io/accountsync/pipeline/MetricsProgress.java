package io.accountsync.pipeline;

import io.accountsync.metrics.Metrics;
import java.util.HashMap;
import java.util.Map;

/** Bootstrap progress as metrics, passed on to another progress (the console, or none). Thread-safe. */
final class MetricsProgress implements BootstrapProgress {
    private final Metrics metrics;
    private final BootstrapProgress next;
    private final Map<String, Long> read = new HashMap<>();
    private long merged;

    MetricsProgress(Metrics metrics, BootstrapProgress next) {
        this.metrics = metrics;
        this.next = next;
    }

    @Override
    public synchronized void reading(String env) {
        metrics.recordBootstrapRunning(true);
        next.reading(env);
    }

    @Override
    public synchronized void read(String env, long rows) {
        count(env, rows);
        next.read(env, rows);
    }

    @Override
    public synchronized void readDone(String env, long rows) {
        count(env, rows);
        next.readDone(env, rows);
    }

    private void count(String env, long rows) {
        metrics.recordBootstrapRead(env, rows - read.getOrDefault(env, 0L));
        read.put(env, rows);
    }

    @Override
    public synchronized void merging(long localAccounts) {
        next.merging(localAccounts);
    }

    @Override
    public synchronized void merged(long people, long localAccounts) {
        metrics.recordBootstrapMerged(people - merged);
        merged = people;
        next.merged(people, localAccounts);
    }

    @Override
    public synchronized void indexing(long links) {
        next.indexing(links);
    }

    @Override
    public synchronized void finished() {
        metrics.recordBootstrapRunning(false);
        next.finished();
    }
}
