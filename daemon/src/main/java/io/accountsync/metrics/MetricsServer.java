package io.accountsync.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the daemon's HTTP endpoints, on loopback by default:
 * <ul>
 *   <li>{@code /metrics}: Prometheus text;</li>
 *   <li>{@code /health/live}: 200 while the process serves HTTP (liveness: restart it when this fails);</li>
 *   <li>{@code /health/ready} and {@code /health}: 200 when the daemon runs and every read environment's
 *       capture is up, else 503 (readiness);</li>
 *   <li>{@code /status}: the daemon and each environment as JSON (what {@code accountsync status} shows).</li>
 * </ul>
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    private static final String JSON = "application/json; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    /** Without {@code /status} (it answers 404). */
    public MetricsServer(String host, int port, Metrics metrics, Supplier<Boolean> ready) throws IOException {
        this(host, port, metrics, ready, null);
    }

    /**
     * @param ready      readiness, for {@code /health/ready} and {@code /health}
     * @param statusJson the JSON document for {@code /status}, or null for none
     */
    public MetricsServer(String host, int port, Metrics metrics, Supplier<Boolean> ready, Supplier<String> statusJson)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/", exact("/", ex -> respond(ex, 404, TEXT, "not found; try /metrics, /health/live, "
                + "/health/ready, /status\n")));
        server.createContext("/metrics", exact("/metrics",
                ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape())));
        HttpHandler readiness = ex -> {
            boolean ok = ready.get();
            respond(ex, ok ? 200 : 503, TEXT, ok ? "UP\n" : "DOWN\n");
        };
        server.createContext("/health", exact("/health", readiness));
        server.createContext("/health/ready", exact("/health/ready", readiness));
        server.createContext("/health/live", exact("/health/live", ex -> respond(ex, 200, TEXT, "UP\n")));
        server.createContext("/status", exact("/status", ex -> {
            if (statusJson == null) {
                respond(ex, 404, TEXT, "no status here\n");
                return;
            }
            String body;
            try {
                body = statusJson.get();
            } catch (RuntimeException e) {
                LOG.warn("cannot build /status: {}", e.getClass().getSimpleName(), e);
                respond(ex, 500, JSON, "{\"error\": \"cannot build the status; see the daemon's log\"}\n");
                return;
            }
            respond(ex, 200, JSON, body);
        }));
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "metrics-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The JDK server routes by path prefix: answer only the path itself (GET and HEAD), 404 or 405 otherwise. */
    private static HttpHandler exact(String path, HttpHandler handler) {
        return ex -> {
            try (ex) {
                String method = ex.getRequestMethod();
                if (!ex.getRequestURI().getPath().equals(path)) {
                    respond(ex, 404, TEXT, "not found; try /metrics, /health/live, /health/ready, /status\n");
                } else if (!method.equals("GET") && !method.equals("HEAD")) {
                    ex.getResponseHeaders().set("Allow", "GET, HEAD");
                    respond(ex, 405, TEXT, "method not allowed\n");
                } else {
                    handler.handle(ex);
                }
            }
        };
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
