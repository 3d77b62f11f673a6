package io.accountsync.status;

import io.accountsync.metrics.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Apply lag percentiles of the last few minutes, from the apply lag histogram of {@link Metrics}.
 *
 * <p>The histogram counts since the daemon started; a status should say how writes fare now, not
 * averaged with an outage an hour ago. So its bucket counts are sampled every few seconds, and the
 * percentiles come from the difference between now and the oldest sample inside the window, the
 * way Prometheus' {@code histogram_quantile(rate(...))} does.
 */
public final class ApplyLagWindow implements AutoCloseable {
    static final Duration WINDOW = Duration.ofMinutes(5);
    static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);

    /** p50 and p99 in seconds; null when nothing was written in the window. */
    public record Percentiles(Double p50, Double p99) {
        static final Percentiles NONE = new Percentiles(null, null);
    }

    private record Sample(Instant at, double[] bounds, double[] cumulative, double count) {
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Deque<Sample>> samples = new HashMap<>();
    private ScheduledExecutorService sampler;

    public ApplyLagWindow(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Samples in the background, every {@link #SAMPLE_EVERY}, until {@link #close}. */
    public synchronized ApplyLagWindow start() {
        if (sampler == null) {
            sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "status-sampler");
                t.setDaemon(true);
                return t;
            });
            sampler.scheduleAtFixedRate(this::sample, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Takes a sample of every environment's apply lag histogram and forgets samples older than the window. */
    public synchronized void sample() {
        Instant now = clock.instant();
        for (Timer t : registry.find(Metrics.APPLY_LAG).timers()) {
            String env = t.getId().getTag("env");
            if (env == null) {
                continue;
            }
            Sample current = snapshot(t, now);
            Deque<Sample> d = samples.computeIfAbsent(env, e -> new ArrayDeque<>());
            if (d.isEmpty()) {
                // The timer appeared since the last sample (at its first write): all it counts is recent.
                d.addLast(new Sample(now, current.bounds(), new double[current.bounds().length], 0));
            }
            d.addLast(current);
            while (d.size() > 1 && d.peekFirst().at().isBefore(now.minus(WINDOW))) {
                d.removeFirst();
            }
        }
    }

    /** The percentiles of the writes to {@code env} since the oldest sample in the window (or since start). */
    public synchronized Percentiles percentiles(String env) {
        Timer t = registry.find(Metrics.APPLY_LAG).tag("env", env).timer();
        if (t == null) {
            return Percentiles.NONE;
        }
        Sample now = snapshot(t, clock.instant());
        Deque<Sample> d = samples.get(env);
        Sample base = d == null || d.isEmpty() ? null : d.peekFirst();
        if (base != null && (base.bounds().length != now.bounds().length || base.count() > now.count())) {
            base = null; // a different histogram (re-registered): count from its start
        }
        double[] cumulative = now.cumulative().clone();
        double total = now.count();
        if (base != null) {
            for (int i = 0; i < cumulative.length; i++) {
                cumulative[i] -= base.cumulative()[i];
            }
            total -= base.count();
        }
        if (total <= 0) {
            return Percentiles.NONE;
        }
        double max = t.max(TimeUnit.SECONDS);
        return new Percentiles(quantile(0.5, now.bounds(), cumulative, total, max),
                quantile(0.99, now.bounds(), cumulative, total, max));
    }

    private static Sample snapshot(Timer t, Instant at) {
        HistogramSnapshot s = t.takeSnapshot();
        CountAtBucket[] buckets = s.histogramCounts();
        double[] bounds = new double[buckets.length];
        double[] cumulative = new double[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            bounds[i] = buckets[i].bucket(TimeUnit.SECONDS);
            cumulative[i] = buckets[i].count();
        }
        return new Sample(at, bounds, cumulative, s.count());
    }

    /**
     * The {@code q} quantile of observations counted in cumulative buckets (upper bounds
     * {@code bounds}, ascending), interpolated linearly inside the bucket that holds it, as
     * Prometheus' histogram_quantile does. A quantile above the last bound is estimated by
     * {@code max} (the largest recent observation) when that is larger.
     */
    static double quantile(double q, double[] bounds, double[] cumulative, double total, double max) {
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (int i = 0; i < bounds.length; i++) {
            if (cumulative[i] >= rank && cumulative[i] > lowerCount) {
                return lowerBound + (bounds[i] - lowerBound) * (rank - lowerCount) / (cumulative[i] - lowerCount);
            }
            lowerBound = bounds[i];
            lowerCount = cumulative[i];
        }
        // In the +Inf bucket: no bound above; the recent maximum is the best estimate there is.
        return max > lowerBound ? max : lowerBound;
    }

    @Override
    public synchronized void close() {
        if (sampler != null) {
            sampler.shutdownNow();
            sampler = null;
        }
    }
}
