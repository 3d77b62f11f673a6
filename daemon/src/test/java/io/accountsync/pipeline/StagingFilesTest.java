package io.accountsync.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.merge.BootstrapMerger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bootstrap's staging files, written by several environments' readers at once. */
class StagingFilesTest {
    @TempDir
    Path dir;

    @Test
    void shouldGroupEveryPersonOnceWhenEnvironmentsStageAtOnce() throws Exception {
        // Each environment stages more than two runs' worth, keys in a different order in each, all at once.
        int people = StagingFiles.RUN_ROWS * 2 + 777;
        List<String> envs = List.of("a", "b", "c");
        List<StagingFiles.Person> seen = new ArrayList<>();
        try (StagingFiles staging = new StagingFiles(dir)) {
            ExecutorService pool = Executors.newFixedThreadPool(envs.size());
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> reads = new ArrayList<>();
            for (int e = 0; e < envs.size(); e++) {
                String env = envs.get(e);
                int stride = 7 + 4 * e;   // co-prime with the count below: every key exactly once, in another order
                reads.add(pool.submit(() -> {
                    start.await();
                    try (StagingFiles.Writer w = staging.writer()) {
                        for (int i = 0; i < people; i++) {
                            int p = (int) ((long) i * stride % people);
                            if (env.equals("c") && p % 20 == 0) {
                                continue;   // missing from c
                            }
                            w.add(key(p), new BootstrapMerger.Local(env, env + p, "User" + p, Map.of("email", env + p + "@x"),
                                    p % 3 == 0 ? null : Instant.ofEpochSecond(1_700_000_000L + p, p)));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : reads) {
                f.get();
            }
            pool.shutdown();
            long missing = (people + 19) / 20;
            assertThat(staging.rows()).isEqualTo(3L * people - missing);
            try (var files = Files.list(dir)) {
                assertThat(files.count()).as("one staging directory").isEqualTo(1);
            }
            staging.forEachPerson(seen::add);
        }
        assertThat(seen).hasSize(people);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).key()).as("key order").isGreaterThan(seen.get(i - 1).key());
        }
        for (StagingFiles.Person person : seen) {
            int p = Integer.parseInt(person.key().substring(1));
            List<String> inEnvs = person.locals().stream().map(BootstrapMerger.Local::env).toList();
            assertThat(inEnvs).as(person.key()).isEqualTo(p % 20 == 0 ? List.of("a", "b") : envs);
            for (BootstrapMerger.Local l : person.locals()) {
                assertThat(l.localKey()).isEqualTo(l.env() + p);
                assertThat(l.username()).isEqualTo("User" + p);
                assertThat(l.values()).containsExactly(Map.entry("email", l.env() + p + "@x"));
                assertThat(l.lastActivity()).isEqualTo(p % 3 == 0 ? null : Instant.ofEpochSecond(1_700_000_000L + p, p));
            }
        }
        try (var files = Files.list(dir)) {
            assertThat(files.count()).as("nothing left after close").isZero();
        }
    }

    @Test
    void shouldRemoveOnlyTheStagingFilesOfBootstrapsWhoseProcessIsGone() throws Exception {
        long gone = Integer.MAX_VALUE - 1L;   // no such process here
        Path dead = Files.createDirectory(dir.resolve(StagingFiles.PREFIX + gone + "-17"));
        Files.writeString(dead.resolve("run0"), "left by a killed bootstrap");
        Path live = Files.createDirectory(dir.resolve(StagingFiles.PREFIX + ProcessHandle.current().pid() + "-18"));
        Files.writeString(live.resolve("run0"), "another bootstrap's, still running");
        Path other = Files.createDirectory(dir.resolve("bootstrap-staging-notapid-19"));
        Path plain = Files.writeString(dir.resolve(StagingFiles.PREFIX + gone + "-20"), "a file, not a directory");

        try (StagingFiles staging = new StagingFiles(dir)) {
            assertThat(dead).doesNotExist();
            assertThat(live.resolve("run0")).exists();
            assertThat(other).exists();
            assertThat(plain).exists();
            try (var files = Files.list(dir)) {
                assertThat(files.filter(f -> f.getFileName().toString()
                        .startsWith(StagingFiles.PREFIX + ProcessHandle.current().pid() + "-"))).as("its own and the live one").hasSize(2);
            }
        }
    }

    private static String key(int p) {
        return String.format("k%07d", p);
    }
}
