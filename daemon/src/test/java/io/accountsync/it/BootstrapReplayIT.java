package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replay equivalence of a dry run: two identical copies of one divergent data set; copy 1 is
 * bootstrapped for real, copy 2 with {@code --dry-run} (which must change nothing) and then its
 * {@code <sql_dir>/<env>.sql} files are replayed with psql and the mariadb client, as an operator
 * would. Afterwards both copies must hold exactly the same rows, every column included.
 */
class BootstrapReplayIT {
    private static final Logger LOG = LoggerFactory.getLogger(BootstrapReplayIT.class);
    private static final Path LOGS = Path.of("target", "it-logs");
    private static final Pattern SUMMARY_LINE = Pattern.compile(
            "^(a|b|c)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$", Pattern.MULTILINE);
    private static final Pattern SUMMARY_TOTAL = Pattern.compile(
            "^(\\d+) accounts; (\\d+) conflict\\(s\\) left open, (\\d+) decided by policy$", Pattern.MULTILINE);

    /** 8,000 accounts everywhere, 1,000 in two environments, 1,000 in one; ~10 % divergent. */
    static final AccountDataSet.Shape SHAPE = new AccountDataSet.Shape(8_000, 1_000, 1_000, 0.10, 0.03, 0.01, 0.05);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    private BulkEnvironments real;
    private BulkEnvironments dry;

    @AfterEach
    void tearDown() {
        if (real != null) {
            real.close();
        }
        if (dry != null) {
            dry.close();
        }
    }

    @Test
    void shouldLeaveTheSameRowsWhenTheDryRunFilesAreReplayedAsARealBootstrapWrites() throws Exception {
        AccountDataSet data = AccountDataSet.generate(SHAPE, 20_240_611L);
        real = new BulkEnvironments(tmp, "rreal");
        dry = new BulkEnvironments(tmp, "rdry");
        real.load(data);
        dry.load(data);
        for (String env : BulkEnvironments.ENVS) {
            assertThat(dry.dump(env)).as("both copies start identical in %s", env).isEqualTo(real.dump(env));
        }
        LOG.info("data set: {} accounts, {} divergent; rows a={} b={} c={}", data.usernames().size(), data.divergent().size(),
                data.rows("a").size(), data.rows("b").size(), data.rows("c").size());

        // Copy 1: the real bootstrap.
        Path realConfig = real.writeConfig("real", false, tmp.resolve("sql-real"), null);
        long t0 = System.nanoTime();
        DaemonProcess.Result realRun = DaemonProcess.run(real.processEnv(), LOGS.resolve("replay-real-" + System.nanoTime() + ".log"),
                "bootstrap", "-c", realConfig.toString());
        long realMs = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("real bootstrap: exit {} in {} ms\n{}", realRun.exitCode(), realMs, realRun.output());
        System.out.println("real bootstrap (10k accounts): exit " + realRun.exitCode() + " in " + realMs + " ms");

        // Copy 2: the dry run, which must not touch the databases.
        Map<String, List<BulkEnvironments.FullRow>> before = new LinkedHashMap<>();
        for (String env : BulkEnvironments.ENVS) {
            before.put(env, dry.dump(env));
        }
        Path sqlDir = tmp.resolve("sql-dry");
        Path dryConfig = dry.writeConfig("dry", true, sqlDir, null);
        t0 = System.nanoTime();
        DaemonProcess.Result dryRun = DaemonProcess.run(dry.processEnv(), LOGS.resolve("replay-dry-" + System.nanoTime() + ".log"),
                "bootstrap", "-c", dryConfig.toString(), "--dry-run");
        long dryMs = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("dry-run bootstrap: exit {} in {} ms\n{}", dryRun.exitCode(), dryMs, dryRun.output());
        System.out.println("dry-run bootstrap (10k accounts): exit " + dryRun.exitCode() + " in " + dryMs + " ms");

        SoftAssertions soft = new SoftAssertions();
        for (DaemonProcess.Result r : List.of(realRun, dryRun)) {
            soft.assertThat(r.exitCode()).as("bootstrap exit code under policy newer; output:\n%s", r.output()).isEqualTo(0);
            checkSummary(soft, r.output(), data);
        }
        soft.assertThat(dryRun.output()).contains("dry run: nothing was written");
        for (String env : BulkEnvironments.ENVS) {
            List<BulkEnvironments.FullRow> after = dry.dump(env);
            soft.assertThat(after.equals(before.get(env)))
                    .as("the dry run changed nothing in %s: %s", env, BulkEnvironments.diff(before.get(env), after, 5)).isTrue();
            soft.assertThat(dry.replicationSlots(env)).as("replication slots a dry run left on %s", env).isEmpty();
        }

        // The real copy holds what the policy says (newer wins per field, missing accounts created).
        Map<String, AccountDataSet.Fields> expected = data.expected();
        for (String env : BulkEnvironments.ENVS) {
            Map<String, AccountDataSet.Fields> actual = real.fields(env);
            soft.assertThat(actual.equals(expected)).as("copy 1 (real bootstrap) %s holds the policy's result: %s", env,
                    fieldDiff(expected, actual)).isTrue();
        }

        // Replay the dry run's files on copy 2, with the clients an operator uses.
        for (String env : BulkEnvironments.ENVS) {
            Path file = sqlDir.resolve(env + ".sql");
            soft.assertThat(file).as("dry-run file of %s", env).exists();
            if (!Files.exists(file)) {
                continue;
            }
            LOG.info("{}: {} bytes", file, Files.size(file));
            BulkEnvironments.ClientResult replay = dry.replay(env, file);
            LOG.info("replay of {}: {} -> exit {}\n{}", env, replay.command(), replay.exitCode(), tail(replay.output(), 4000));
            soft.assertThat(replay.exitCode()).as("replay of %s with %s; output:\n%s", env, replay.command(),
                    tail(replay.output(), 4000)).isEqualTo(0);
        }

        // Replay equivalence: copy 2 now holds exactly copy 1's rows, every column.
        for (String env : BulkEnvironments.ENVS) {
            List<BulkEnvironments.FullRow> want = real.dump(env);
            List<BulkEnvironments.FullRow> got = dry.dump(env);
            soft.assertThat(got.equals(want)).as("copy 2 after replay equals copy 1 row for row in %s: %s", env,
                    BulkEnvironments.diff(want, got, 8)).isTrue();
        }
        soft.assertAll();
    }

    /** The summary table: per environment read/linked/created/updated/unchanged, and the totals. */
    private static void checkSummary(SoftAssertions soft, String output, AccountDataSet data) {
        soft.assertThat(output).as("summary header").containsPattern(
                "environment\\s+read\\s+linked\\s+created\\s+updated\\s+unchanged\\s+conflicted\\s+quarantined");
        Map<String, long[]> lines = new LinkedHashMap<>();
        Matcher m = SUMMARY_LINE.matcher(output);
        while (m.find()) {
            long[] v = new long[7];
            for (int i = 0; i < 7; i++) {
                v[i] = Long.parseLong(m.group(i + 2));
            }
            lines.put(m.group(1), v);
        }
        soft.assertThat(lines.keySet()).as("summary lines in:\n%s", output).containsExactly("a", "b", "c");
        for (String env : BulkEnvironments.ENVS) {
            long[] v = lines.get(env);
            if (v == null) {
                continue;
            }
            long rows = data.rows(env).size();
            long updated = data.toUpdate(env);
            soft.assertThat(v).as("summary of %s: read, linked, created, updated, unchanged, conflicted, quarantined", env)
                    .containsExactly(rows, rows, data.missing(env).size(), updated, rows - updated, 0, 0);
        }
        long linked = BulkEnvironments.ENVS.stream().mapToLong(e -> data.rows(e).size()).sum();
        soft.assertThat(output).as("each read's end, the merge over every local account, the key-building phase, the summary")
                .contains(BulkEnvironments.ENVS.stream().map(e -> "reading " + e + ": " + data.rows(e).size() + " accounts, done")
                        .toList())
                .containsSubsequence("merging " + linked + " local accounts into people",
                        "merging: " + linked + "/" + linked + " (100%, " + data.usernames().size() + " people)",
                        "building the state store's keys over " + linked + " local accounts ...", "environment");
        Matcher t = SUMMARY_TOTAL.matcher(output);
        soft.assertThat(t.find()).as("summary totals line in:\n%s", output).isTrue();
        if (t.find(0)) {
            soft.assertThat(Long.parseLong(t.group(1))).as("accounts").isEqualTo(data.usernames().size());
            soft.assertThat(Long.parseLong(t.group(2))).as("conflicts left open").isZero();
            soft.assertThat(Long.parseLong(t.group(3))).as("decided by policy").isEqualTo(data.decidedConflicts());
        }
    }

    static String fieldDiff(Map<String, AccountDataSet.Fields> expected, Map<String, AccountDataSet.Fields> actual) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        long total = 0;
        for (Map.Entry<String, AccountDataSet.Fields> e : expected.entrySet()) {
            AccountDataSet.Fields a = actual.get(e.getKey());
            if (!e.getValue().equals(a)) {
                total++;
                if (shown++ < 6) {
                    sb.append("\n  ").append(e.getKey()).append(": expected ").append(e.getValue()).append(" but was ").append(a);
                }
            }
        }
        long extra = actual.keySet().stream().filter(k -> !expected.containsKey(k)).count();
        return total + " account(s) differ, " + extra + " unexpected" + sb;
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max);
    }
}
