package io.accountsync.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accountsync.connect.ConnectionSettings;
import io.accountsync.connect.Secret;
import io.accountsync.model.Dialect;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaptureSettingsTest {

    private static final Path WORK = Path.of("/tmp/capture");

    private static ConnectionSettings connection(Dialect dialect) {
        return new ConnectionSettings(dialect, "localhost", dialect.defaultPort(), "wiki", "sync", Secret.of("pw"));
    }

    @Test
    void shouldDefaultSlotPublicationAndSnapshotMode() {
        CaptureSettings s = CaptureSettings.postgres("Wiki-2", connection(Dialect.POSTGRESQL), List.of("mediawiki.user"), WORK);

        assertThat(s.slotName()).isEqualTo("accountsync_wiki_2");
        assertThat(s.publicationName()).isEqualTo("accountsync_wiki_2");
        assertThat(s.snapshotMode()).isEqualTo("initial");
        assertThat(s.debezium()).isEmpty();
        assertThat(s.withSnapshotMode("no_data").snapshotMode()).isEqualTo("no_data");
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        Map<String, String> passthrough = new HashMap<>();
        passthrough.put("x", null);

        assertThatThrownBy(() -> new CaptureSettings("trac", connection(Dialect.MARIADB),
                List.of("session", "trac.session", ".x"), null, 0, null, null, null, passthrough))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("for env trac")
                .hasMessageContaining("tables[0]: 'session' is not of the form")
                .hasMessageContaining("tables[2]: '.x'")
                .hasMessageNotContaining("tables[1]")
                .hasMessageContaining("workDir: required")
                .hasMessageContaining("serverId: required for mariadb")
                .hasMessageContaining("debezium.x:");
    }

    @Test
    void shouldRejectMissingEssentials() {
        assertThatThrownBy(() -> new CaptureSettings(" ", null, List.of(), WORK, 0, null, null, null, null))
                .hasMessageContaining("env: required").hasMessageContaining("connection: required")
                .hasMessageContaining("tables: at least one table is required");
    }

    @Test
    void shouldRejectPostgresNamesTheServerWouldRefuse() {
        assertThatThrownBy(() -> new CaptureSettings("wiki", connection(Dialect.POSTGRESQL), List.of("public.t"), WORK,
                0, "Slot-A", "p".repeat(64), null, null))
                .hasMessageContaining("slotName: 'Slot-A'").hasMessageContaining("publicationName:");
    }

    @Test
    void shouldIgnoreServerIdForPostgresAndSlotNamesForMariaDb() {
        CaptureSettings pg = CaptureSettings.postgres("wiki", connection(Dialect.POSTGRESQL), List.of("public.t"), WORK);
        CaptureSettings maria = new CaptureSettings("trac", connection(Dialect.MARIADB), List.of("trac.t"), WORK, 12,
                "Any-Name", null, "", Map.of());

        assertThat(pg.serverId()).isZero();
        assertThat(maria.snapshotMode()).isEqualTo("initial");
    }

    @Test
    void shouldCopyCollectionsAndKeepSecretsOutOfToString() {
        List<String> tables = new java.util.ArrayList<>(List.of("public.t"));
        Map<String, String> passthrough = new HashMap<>(Map.of("database.password", "override-pw"));
        CaptureSettings s = new CaptureSettings("wiki", connection(Dialect.POSTGRESQL), tables, WORK, 0, null, null,
                null, passthrough);
        tables.add("public.u");
        passthrough.put("k", "v");

        assertThat(s.tables()).containsExactly("public.t");
        assertThat(s.debezium()).containsOnlyKeys("database.password");
        assertThat(s.toString()).contains("postgresql://sync@localhost:5432/wiki").doesNotContain("override-pw");
    }
}
