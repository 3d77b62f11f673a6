package io.accountsync.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class StatusJsonTest {

    @Test
    void shouldWriteSnakeCaseKeysIsoTimesAndEveryFieldAndReadThemBack() throws Exception {
        DaemonStatus s = StatusCommandTest.sample();

        String json = StatusJson.write(s);
        JsonNode n = new ObjectMapper().readTree(json);

        assertThat(n.get("daemon_state").asText()).isEqualTo("RUNNING");
        assertThat(n.get("started_at").asText()).isEqualTo("2026-03-01T10:00:00Z");
        JsonNode b = n.get("environments").get(1);
        assertThat(b.fieldNames()).toIterable().containsExactly("name", "dialect", "role", "up", "engine_state",
                "last_position", "last_commit_time", "last_event_at", "events", "capture_lag_seconds",
                "apply_lag_p50_seconds", "apply_lag_p99_seconds", "queue_depth", "oldest_pending_seconds",
                "apply_healthy", "apply_errors", "engine_failures", "quarantined", "last_error", "last_error_at");
        assertThat(b.get("last_position").isNull()).as("unknown fields are present as null").isTrue();
        assertThat(StatusJson.read(json)).isEqualTo(s);
    }

    @Test
    void shouldIgnoreFieldsANewerDaemonAdds() throws Exception {
        String json = StatusJson.write(StatusCommandTest.sample()).replaceFirst("\\{", "{\"future_field\": 1,");

        assertThat(StatusJson.read(json).daemonState()).isEqualTo("RUNNING");
    }
}
