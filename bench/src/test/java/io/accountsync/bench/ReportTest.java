package io.accountsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's arithmetic: data set proportions, percentiles, ratios and the targets' verdicts. */
class ReportTest {

    @Test
    void shouldGenerateTheDataSetWithItsStatedProportions() {
        DataSet data = new DataSet(100_000);
        long[] counts = data.counts();
        assertThat(counts[0]).as("divergent").isBetween(9_500L, 10_500L);
        assertThat(counts[1]).as("missing from one").isBetween(4_500L, 5_500L);
        for (int i = 0; i < 1000; i++) {
            int d = DataSet.divergesIn(i);
            assertThat(d == -1 || d != DataSet.missingFrom(i)).as("account %d diverges where it is missing", i).isTrue();
        }
        long rows = 0;
        for (int e = 0; e < 3; e++) {
            for (var it = data.rows(e); it.hasNext(); it.next()) {
                rows++;
            }
        }
        assertThat(rows).isEqualTo(3L * 100_000 - counts[1]);
    }

    @Test
    void shouldTakeTheLaterEditAsTheConvergedValue() {
        int i = 0;
        while (DataSet.divergesIn(i) < 0) {
            i++;
        }
        UsersDb.Row converged = DataSet.converged(i);
        UsersDb.Row divergent = DataSet.row(i, DataSet.divergesIn(i));
        assertThat(converged).isEqualTo(divergent);
        assertThat(converged.updatedAt()).isAfter(DataSet.row(i, (DataSet.divergesIn(i) + 1) % 3).updatedAt());
    }

    @Test
    void shouldComputeNearestRankPercentiles() {
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i;
        }
        Stats s = new Stats(v);
        assertThat(s.percentile(50)).isEqualTo(50);
        assertThat(s.percentile(99)).isEqualTo(99);
        assertThat(s.max()).isEqualTo(100);
        assertThat(new Stats(new double[0]).percentile(50)).isNaN();
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldJudgeTheTargetsFromFiguresOfTheSameRun() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("capture_ceiling", Map.of("postgresql", Map.of("events_per_s", 20_000.0),
                "mariadb", Map.of("events_per_s", 40_000.0)));
        report.put("streaming", Map.of("generic", Map.of(
                "burst", Map.of("changes_per_s", 6_000.0),
                "latency", Map.of("offered_changes_per_s", 1000, "p50_ms", 80.0, "p95_ms", 300.0, "p99_ms", 600.0)),
                "generic_postgresql_store", Map.of(
                "burst", Map.of("changes_per_s", 4_000.0),
                "latency", Map.of("offered_changes_per_s", 1000, "p50_ms", 120.0, "p99_ms", 400.0))));
        Map<String, Object> boot = new LinkedHashMap<>();
        boot.put("data", Map.of("accounts", 1_000_000));
        boot.put("bootstrap", Map.of("seconds", 50.0, "accounts_per_s", 20_000.0));
        boot.put("naive", Map.of("cycle_s", 500.0, "user_latency_avg_s", 530.0));
        boot.put("memory", Map.of("heap_after_bootstrap_mb", 100.0, "completes_in_512mb_heap", false));
        report.put("bootstrap", boot);

        Report summary = new Report(report);
        summary.summarize();

        Map<String, Boolean> verdicts = new LinkedHashMap<>();
        for (Map<String, Object> t : (List<Map<String, Object>>) report.get("targets")) {
            verdicts.put((String) t.get("name"), (Boolean) t.get("pass"));
        }
        assertThat(verdicts).containsEntry("streaming_changes_per_s_to_2_targets", true)
                .containsEntry("streaming_share_of_capture_ceiling", true)   // 6,000 / the slower 20,000
                .containsEntry("latency_p50_ms_at_1,000_per_s", true)
                .containsEntry("latency_p99_ms_at_1,000_per_s", false)
                .containsEntry("bootstrap_s_1,000,000_x3", true)
                .containsEntry("bootstrap_speedup_over_naive", false)        // 10x, not 20x
                .containsEntry("heap_mb_after_bootstrap", false);            // did not complete in 512 MB
        assertThat((Map<String, Object>) report.get("ratios")).containsEntry("streaming_rate_over_capture_ceiling", 0.3)
                .containsEntry("bootstrap_speedup_over_naive", 10.0);
        assertThat((Map<String, Object>) report.get("ratios"))
                .containsEntry("streaming_postgresql_store_rate_over_capture_ceiling", 0.2);
        assertThat(summary.markdown())
                .contains("| Streaming, generic, with a PostgreSQL state store: changes/s fully propagated (each to 2 targets)"
                        + " | 4,000 changes/s | capture ceiling 20,000 events/s | 0.20× | ≥ 5,000/s and ≥ 0.25× ceiling | **no** |")
                .contains("| Latency p50 at 1,000 changes/s, with a PostgreSQL state store | 120 ms |  |  | ≤ 100 ms | **no** |")
                .contains("| Latency p99 at 1,000 changes/s, with a PostgreSQL state store | 400 ms |  |  | ≤ 500 ms | yes |");
        assertThat(summary.markdown()).contains("| 6,000 changes/s | capture ceiling 20,000 events/s | 0.30× |")
                .contains("it did NOT complete in a 512 MB heap");
    }
}
