package io.accountsync.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accountsync.connect.ConnectionSettings;
import io.accountsync.connect.Secret;
import io.accountsync.model.Dialect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lifecycle without a database: nothing listens on port 1. */
class CaptureEngineTest {

    @TempDir
    Path workDir;

    private final List<String> transitions = new CopyOnWriteArrayList<>();

    private CaptureEngine engine(Dialect dialect) {
        ConnectionSettings c = new ConnectionSettings(dialect, "127.0.0.1", 1, "db", "sync", Secret.of("unused-Pa55"));
        CaptureSettings s = dialect == Dialect.POSTGRESQL
                ? CaptureSettings.postgres("unit", c, List.of("public.t"), workDir)
                : CaptureSettings.binlog("unit", c, List.of("db.t"), workDir, 99);
        return new CaptureEngine(s, batch -> { }, (env, from, to, reason) -> transitions.add(from + "->" + to));
    }

    @Test
    void shouldStopWhenClosedBeforeStartAndRefuseToStartAfterwards() {
        CaptureEngine engine = engine(Dialect.POSTGRESQL);

        engine.close();
        engine.close();

        assertThat(engine.state()).isEqualTo(EngineState.STOPPED);
        assertThat(transitions).containsExactly("CREATED->STOPPED");
        assertThatThrownBy(engine::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("runs once");
    }

    @Test
    void shouldFailWithAShortMessageWhenTheDatabaseIsUnreachable() throws Exception {
        for (Dialect dialect : List.of(Dialect.POSTGRESQL, Dialect.MARIADB)) {
            transitions.clear();
            CaptureEngine engine = engine(dialect);
            engine.start();

            assertThat(engine.awaitTermination(Duration.ofSeconds(60))).isTrue();
            assertThat(engine.state()).isEqualTo(EngineState.FAILED);
            assertThat(engine.lastError()).hasValueSatisfying(e -> assertThat(e).contains("refused")
                    .doesNotContain("unused-Pa55"));
            assertThat(transitions).containsExactly("CREATED->STARTING", "STARTING->FAILED");
            assertThatCode(engine::close).doesNotThrowAnyException();
            assertThatCode(engine::close).doesNotThrowAnyException();
            assertThat(engine.state()).isEqualTo(EngineState.FAILED);
            assertThatThrownBy(engine::start).isInstanceOf(IllegalStateException.class);
        }
    }
}
