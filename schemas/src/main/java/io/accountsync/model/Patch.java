package io.accountsync.model;

import java.util.Map;
import java.util.Objects;

/**
 * What must be written to one environment for one account.
 *
 * @param env       the target environment
 * @param globalId  the canonical account
 * @param localKey  the account's key in the target, or null when it is to be created
 * @param username  the username to use in the target (for creates and for readable comments)
 * @param kind      create, or set fields
 * @param values    field values to write (only synced fields)
 * @param expected  per field, the value the target is believed to hold now: the write only happens
 *                  where it still does, so that accountsync never overwrites an edit it has not seen
 *                  yet (that edit arrives through capture and is merged). A create writes into a row
 *                  that exists already (inserted meanwhile) the same way. An entry with a null value
 *                  expects the field empty (a new account: the row is believed absent). A field
 *                  without an entry is written unconditionally: an environment accountsync never
 *                  reads (role target) holds what accountsync writes.
 * @param reason    why: shown in dry-run comments and the audit log
 */
public record Patch(
        String env,
        long globalId,
        String localKey,
        String username,
        Kind kind,
        Map<String, String> values,
        Map<String, String> expected,
        String reason) {

    public enum Kind { CREATE, UPDATE, DELETE }

    public Patch {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(kind, "kind");
        values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
        expected = expected == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(expected));
        if (kind != Kind.CREATE && localKey == null) {
            throw new IllegalArgumentException("an update or delete patch needs the local key");
        }
    }

    /** The same patch with other values (and the expectations of those values only). */
    public Patch withValues(Map<String, String> newValues) {
        Map<String, String> exp = new java.util.LinkedHashMap<>(expected);
        exp.keySet().retainAll(newValues.keySet());
        return new Patch(env, globalId, localKey, username, kind, newValues, exp, reason);
    }
}
