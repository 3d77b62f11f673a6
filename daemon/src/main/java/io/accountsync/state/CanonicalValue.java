package io.accountsync.state;

import java.time.Instant;

/** One canonical field value and where it came from. */
public record CanonicalValue(String value, String sourceEnv, Instant sourceTime) {
}
