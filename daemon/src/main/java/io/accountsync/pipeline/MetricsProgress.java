package io.accountsync.pipeline;

import io.accountsync.metrics.Metrics;
import java.util.HashMap;
import java.util.Map;

/** Bootstrap progress as metrics, passed on to another progress (the console, or none). */
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
    public void reading(String env) {
        metrics.recordBootstrapRunning(true);
        next.reading(env);
    }

    @Override
    public void read(String env, long rows) {
        long before = read.getOrDefault(env, 0L);
        metrics.recordBootstrapRead(env, rows - before);
        read.put(env, rows);
        next.read(env, rows);
    }

    @Override
    public void merging(long total) {
        next.merging(total);
    }

    @Override
    public void merged(long done) {
        metrics.recordBootstrapMerged(done - merged);
        merged = done;
        next.merged(done);
    }

    @Override
    public void indexing(long links) {
        next.indexing(links);
    }

    @Override
    public void finished() {
        metrics.recordBootstrapRunning(false);
        next.finished();
    }
}
