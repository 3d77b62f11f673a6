package io.accountsync.status;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Asks a running daemon for its {@code /status}. */
public final class StatusClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** The daemon's answer, or why there is none. Exactly one of the two is set. */
    public record Answer(DaemonStatus status, String noAnswer) {
    }

    private StatusClient() {
    }

    /** The URL of /status for the configured metrics address (a wildcard address is asked on loopback). */
    public static URI uri(String host, int port) {
        String h = switch (host) {
            case "0.0.0.0", "" -> "127.0.0.1";
            case "::", "[::]", "::0" -> "[::1]";
            default -> host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        };
        return URI.create("http://" + h + ":" + port + "/status");
    }

    public static Answer fetch(URI uri) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return new Answer(null, uri + " answered HTTP " + r.statusCode());
            }
            try {
                return new Answer(StatusJson.read(r.body()), null);
            } catch (IOException e) {
                return new Answer(null, uri + " did not answer with an accountsync status");
            }
        } catch (IOException e) {
            String why = e instanceof java.net.ConnectException ? "connection refused"
                    : e instanceof java.net.http.HttpTimeoutException ? "timed out"
                    : e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
            return new Answer(null, "nothing answers on " + uri + " (" + why + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(null, "interrupted while asking " + uri);
        }
    }
}
