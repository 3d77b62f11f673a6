package io.accountsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountsync.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code ops/bench --short} in-process against the private databases, so that the harness cannot rot: the
 * report must be complete and every figure positive. The targets are not asserted here (the short mode's
 * sizes are far from the targets' and the machine is shared with the other tests).
 */
class BenchShortIT {
    private static final Path OUT = Path.of("target", "bench-short");
    private static JsonNode report;

    @BeforeAll
    static void runShortBench() throws Exception {
        // Fails (CI) or skips (elsewhere) when a private database is missing, before anything starts.
        TestDatabases.pg1();
        TestDatabases.pg2();
        TestDatabases.mariadb();
        Path json = BenchMain.run("--short", "--out", OUT.toString());
        report = new ObjectMapper().readTree(json.toFile());
    }

    @Test
    void shouldMeasureTheStateStoreFloorOnTheBootstrapsData() {
        JsonNode boot = report.path("bootstrap");
        JsonNode floor = boot.path("store_floor");
        assertThat(floor.path("people").asLong()).isEqualTo(boot.path("data").path("accounts").asLong());
        assertThat(floor.path("links").asLong()).isEqualTo(boot.path("data").path("rows_total").asLong());
        assertThat(floor.path("insert_s").asDouble()).isPositive();
        assertThat(floor.path("seconds").asDouble()).isGreaterThanOrEqualTo(floor.path("insert_s").asDouble());
    }

    @Test
    void shouldMeasureTheCaptureCeilingOfBothDatabases() {
        for (String db : List.of("postgresql", "mariadb")) {
            JsonNode c = report.path("capture_ceiling").path(db);
            assertThat(c.path("events").asLong()).as(db).isEqualTo(20_000);
            assertThat(c.path("events_per_s").asDouble()).as(db).isPositive();
            assertThat(c.path("engine_start_to_first_batch_s").asDouble()).as(db).isPositive();
        }
    }

    @Test
    void shouldMeasureStreamingThroughputAndLatencyForBothFarms() {
        for (String farm : List.of("generic", "generic_postgresql_store", "apps")) {
            JsonNode s = report.path("streaming").path(farm);
            assertThat(s.path("burst").path("changes_per_s").asDouble()).as(farm).isPositive();
            assertThat(s.path("burst").path("statements_after_convergence").asLong())
                    .as("%s: echoes must not be written again", farm).isZero();
            JsonNode l = s.path("latency");
            assertThat(l.path("not_visible_at_end").asLong()).as(farm).isZero();
            assertThat(l.path("p50_ms").asDouble()).as(farm).isPositive();
            assertThat(l.path("p99_ms").asDouble()).as(farm).isGreaterThanOrEqualTo(l.path("p50_ms").asDouble());
            assertThat(l.path("per_second_p50_p99_ms").size()).as(farm).isPositive();
            assertThat(s.path("latency_quarter_load").path("p50_ms").asDouble()).as(farm).isPositive();
        }
        // Each change of the generic burst was written to both other environments, once, and both echoes died.
        JsonNode burst = report.path("streaming").path("generic").path("burst");
        assertThat(burst.path("apply_statements").asLong()).isEqualTo(2 * burst.path("changes").asLong());
        assertThat(burst.path("echoes_suppressed").asLong()).isPositive();
    }

    @Test
    void shouldBootstrapAndRunTheNaiveBaselineToTheSameConvergedState() {
        JsonNode b = report.path("bootstrap");
        assertThat(b.path("bootstrap").path("converged").asBoolean()).isTrue();
        assertThat(b.path("bootstrap").path("seconds").asDouble()).isPositive();
        assertThat(b.path("bootstrap").path("accounts_per_s").asDouble()).isPositive();
        assertThat(b.path("naive").path("converged").asBoolean()).isTrue();
        assertThat(b.path("naive").path("cycle_s").asDouble()).isPositive();
        assertThat(b.path("naive").path("statements").asLong()).isGreaterThanOrEqualTo(3L * 10_000 - 10_000 / 10);
        assertThat(b.path("memory").path("heap_after_bootstrap_mb").asDouble()).isPositive();
        assertThat(b.path("memory").path("peak_rss_mb").asDouble()).isPositive();
    }

    @Test
    void shouldComputeRatiosAndJudgeEveryTarget() {
        assertThat(report.path("ratios").path("streaming_rate_over_capture_ceiling").asDouble()).isPositive();
        assertThat(report.path("ratios").path("bootstrap_speedup_over_naive").asDouble()).isPositive();
        JsonNode targets = report.path("targets");
        assertThat(targets.size()).isEqualTo(7);
        for (JsonNode t : targets) {
            assertThat(t.path("pass").isBoolean()).as(t.path("name").asText()).isTrue();
            assertThat(t.path("value").asDouble()).as(t.path("name").asText()).isPositive();
        }
        assertThat(report.path("figures").size()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void shouldDrawTheChartAndTheTable() throws Exception {
        String svg = Files.readString(OUT.resolve("bench-chart.svg"));
        assertThat(svg).startsWith("<svg").contains("Throughput").contains("latency").endsWith("</svg>\n");
        assertThat(Files.readString(OUT.resolve("bench-report.md"))).contains("| figure | value |")
                .contains("Capture ceiling, PostgreSQL").contains("Bootstrap");
    }
}
