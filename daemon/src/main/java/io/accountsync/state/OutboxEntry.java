package io.accountsync.state;

import io.accountsync.model.Patch;
import java.time.Instant;

/** A planned patch waiting in the outbox, with the source commit time that caused it. */
public record OutboxEntry(long id, Patch patch, Instant sourceTime) {
}
