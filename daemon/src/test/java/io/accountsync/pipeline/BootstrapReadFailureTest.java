package io.accountsync.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accountsync.config.AccountsyncConfig;
import io.accountsync.state.StateDao;
import io.accountsync.state.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bootstrap whose reads fail (every environment's database refuses the connection): it fails with an
 * environment's error, and leaves no bootstrap mark, no staging files, and the state store's own cache size.
 */
class BootstrapReadFailureTest {
    @TempDir
    Path dir;

    @Test
    void shouldFailWithTheReadsErrorAndLeaveTheStoreAsItWas() throws Exception {
        AccountsyncConfig cfg = UnreachableFarm.config(dir, """
                data_dir: data
                dry_run: false
                """, List.of("a", "b", "c"));
        StateStore store = Wiring.store(cfg, false).openForUse();
        Map<String, String> before = settings(store);
        Path scratch = dir.resolve("staging");

        Bootstrap bootstrap = new Bootstrap(store, Wiring.environments(cfg), Wiring.policy(cfg), Clock.systemUTC(),
                BootstrapProgress.NONE, scratch);
        assertThatThrownBy(bootstrap::run).isInstanceOf(java.sql.SQLException.class)
                .hasMessageMatching("environment [abc]: the full read failed: .*127\\.0\\.0\\.1:1.*");

        assertThat(Bootstrap.isDone(store)).as("bootstrap mark").isFalse();
        try (var left = Files.list(scratch)) {
            assertThat(left).as("staging files").isEmpty();
        }
        assertThat(settings(store)).as("the store's cache, given back").isEqualTo(before).containsEntry("CACHE_SIZE", "65536");
        try (Connection c = store.connect()) {
            assertThat(new StateDao(c).fact(Bootstrap.DONE_FACT)).isEmpty();
            c.commit();
        }
    }

    private static Map<String, String> settings(StateStore store) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = store.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select setting_name, setting_value from information_schema.settings "
                     + "where setting_name = 'CACHE_SIZE'")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
            c.commit();
        }
        return out;
    }
}
