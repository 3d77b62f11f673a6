package io.accountsync.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.metrics.Metrics;
import io.accountsync.metrics.MetricsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The daemon's HTTP endpoints: metrics, liveness, readiness, status. */
class MetricsServerTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldTellLivenessFromReadiness() throws Exception {
        AtomicBoolean ready = new AtomicBoolean(false);
        Metrics metrics = new Metrics();
        metrics.recordUp("a", true);
        try (MetricsServer server = new MetricsServer("127.0.0.1", 0, metrics, ready::get,
                () -> StatusJson.write(StatusCommandTest.sample()))) {
            int port = server.port();
            assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(port, "/health/ready").statusCode()).isEqualTo(503);
            assertThat(get(port, "/health").statusCode()).isEqualTo(503);
            assertThat(get(port, "/health").body()).isEqualTo("DOWN\n");

            ready.set(true);
            assertThat(get(port, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(get(port, "/health").body()).isEqualTo("UP\n");

            HttpResponse<String> m = get(port, "/metrics");
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.body()).contains("accountsync_env_up{env=\"a\"} 1.0");

            HttpResponse<String> s = get(port, "/status");
            assertThat(s.statusCode()).isEqualTo(200);
            assertThat(s.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(StatusJson.read(s.body())).isEqualTo(StatusCommandTest.sample());
        }
    }

    @Test
    void shouldAnswerOnlyItsOwnPathsAndMethods() throws Exception {
        try (MetricsServer server = new MetricsServer("127.0.0.1", 0, new Metrics(), () -> true)) {
            int port = server.port();
            assertThat(get(port, "/healthz").statusCode()).isEqualTo(404);
            assertThat(get(port, "/health/live/x").statusCode()).isEqualTo(404);
            assertThat(get(port, "/").statusCode()).isEqualTo(404);
            assertThat(get(port, "/status").statusCode()).as("no status supplier").isEqualTo(404);
            HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void shouldAnswer500WithoutDetailsWhenTheStatusCannotBeBuilt() throws Exception {
        try (MetricsServer server = new MetricsServer("127.0.0.1", 0, new Metrics(), () -> true, () -> {
            throw new IllegalStateException("password=hunter2 leaked");
        })) {
            HttpResponse<String> r = get(server.port(), "/status");
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).doesNotContain("hunter2");
        }
    }
}
