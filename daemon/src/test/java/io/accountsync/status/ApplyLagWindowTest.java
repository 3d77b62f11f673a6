package io.accountsync.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.accountsync.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ApplyLagWindowTest {

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    @Test
    void shouldInterpolateInsideTheBucketThatHoldsTheQuantile() {
        double[] bounds = {0.1, 0.2, 0.4, 0.8};
        double[] cumulative = {0, 50, 100, 100};   // 50 in (0.1, 0.2], 50 in (0.2, 0.4]

        assertThat(ApplyLagWindow.quantile(0.5, bounds, cumulative, 100, 0)).isCloseTo(0.2, within(1e-9));
        assertThat(ApplyLagWindow.quantile(0.25, bounds, cumulative, 100, 0)).isCloseTo(0.15, within(1e-9));
        assertThat(ApplyLagWindow.quantile(0.99, bounds, cumulative, 100, 0)).isCloseTo(0.396, within(1e-9));
    }

    @Test
    void shouldUseTheRecentMaximumAboveTheLastBucket() {
        double[] bounds = {0.1, 1.0};
        double[] cumulative = {10, 10};   // and 90 more above 1 s

        assertThat(ApplyLagWindow.quantile(0.99, bounds, cumulative, 100, 42.0)).isEqualTo(42.0);
        assertThat(ApplyLagWindow.quantile(0.99, bounds, cumulative, 100, 0)).isEqualTo(1.0);
    }

    @Test
    void shouldGivePercentilesOfTheWritesOfTheLastMinutesOnly() {
        MutableClock clock = new MutableClock();
        Metrics metrics = new Metrics();
        ApplyLagWindow window = new ApplyLagWindow(metrics.registry(), clock);
        assertThat(window.percentiles("b")).isEqualTo(ApplyLagWindow.Percentiles.NONE);

        for (int i = 0; i < 100; i++) {
            metrics.recordApplyLag("b", Duration.ofSeconds(20));   // an outage: 20 s behind
        }
        window.sample();   // the timer appeared since the last sample: its writes count as recent
        ApplyLagWindow.Percentiles during = window.percentiles("b");
        assertThat(during.p50()).isBetween(15.0, 25.0);

        clock.advance(ApplyLagWindow.WINDOW.plusSeconds(1));
        window.sample();   // the outage is now older than the window
        for (int i = 0; i < 100; i++) {
            metrics.recordApplyLag("b", Duration.ofMillis(i < 99 ? 100 : 900));
        }
        ApplyLagWindow.Percentiles after = window.percentiles("b");
        assertThat(after.p50()).as("median of the recent writes").isBetween(0.05, 0.15);
        assertThat(after.p99()).as("p99 of the recent writes").isLessThan(1.2);
        assertThat(window.percentiles("a")).as("an environment nothing was written to").isEqualTo(ApplyLagWindow.Percentiles.NONE);
    }

    @Test
    void shouldSayNothingWhenNothingWasWrittenInTheWindow() {
        MutableClock clock = new MutableClock();
        Metrics metrics = new Metrics();
        ApplyLagWindow window = new ApplyLagWindow(metrics.registry(), clock);
        metrics.recordApplyLag("c", Duration.ofMillis(300));
        window.sample();
        clock.advance(ApplyLagWindow.WINDOW.plusSeconds(30));
        window.sample();
        clock.advance(Duration.ofSeconds(10));
        window.sample();

        assertThat(window.percentiles("c")).isEqualTo(ApplyLagWindow.Percentiles.NONE);
    }
}
