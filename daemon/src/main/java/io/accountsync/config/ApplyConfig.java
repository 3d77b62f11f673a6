package io.accountsync.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How patches are written to environments.
 *
 * @param batchSize    patches per transaction
 * @param retryInitial the first wait after a retriable failure; waits double up to {@code retryMax}
 * @param retryMax     the longest wait between retries
 */
public record ApplyConfig(int batchSize, Duration retryInitial, Duration retryMax) {

    public static final int MAX_BATCH_SIZE = 100_000;

    public ApplyConfig {
        Objects.requireNonNull(retryInitial, "retryInitial");
        Objects.requireNonNull(retryMax, "retryMax");
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be between 1 and " + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        if (retryInitial.isNegative() || retryInitial.isZero()) {
            throw new IllegalArgumentException("retryInitial must be positive");
        }
        if (retryMax.compareTo(retryInitial) < 0) {
            throw new IllegalArgumentException("retryMax must not be shorter than retryInitial");
        }
    }
}
