package io.accountsync.config;

import java.util.Objects;

/**
 * The Prometheus endpoint ({@code /metrics}, {@code /health}).
 *
 * @param enabled whether the endpoint is served
 * @param host    the address to bind (loopback by default: metrics are not for the world)
 * @param port    the TCP port; 0 picks a free one
 */
public record MetricsConfig(boolean enabled, String host, int port) {

    public MetricsConfig {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("metrics host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("metrics port must be between 0 and 65535, got " + port);
        }
    }
}
