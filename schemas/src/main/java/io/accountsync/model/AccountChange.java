package io.accountsync.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One normalized account change: what an environment's log says happened to one local account.
 *
 * @param env          the environment
 * @param localKey     the account's key in that environment (Trac sid, MediaWiki user_id, ...)
 * @param username     the account's username as stored there (raw, not normalized)
 * @param kind         upsert (created, updated or read at snapshot) or delete
 * @param snapshot     true when read by a snapshot/bootstrap rather than seen as a change
 * @param before       canonical field values before (empty when unknown: insert or snapshot)
 * @param after        canonical field values after; keys are the fields this env provides
 * @param commitTime   the source commit time; for snapshot reads the account's last activity
 *                     when the profile knows it, else {@link Instant#EPOCH}
 * @param position     the source position, printable
 * @param txId         the source transaction id, or null
 */
public record AccountChange(
        String env,
        String localKey,
        String username,
        Kind kind,
        boolean snapshot,
        Map<String, String> before,
        Map<String, String> after,
        Instant commitTime,
        String position,
        String txId) {

    public enum Kind { UPSERT, DELETE }

    public AccountChange {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(localKey, "localKey");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(commitTime, "commitTime");
        before = before == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.HashMap<>(before));
        after = after == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.HashMap<>(after));
    }

    /**
     * Whether the given field was edited by this change: inserts and snapshot reads edit every field
     * they carry; updates only those whose value differs from the before image.
     */
    public boolean edits(String field) {
        if (!after.containsKey(field)) {
            return false;
        }
        if (snapshot || before.isEmpty()) {
            return true;
        }
        return !before.containsKey(field) || !Objects.equals(before.get(field), after.get(field));
    }

    public Set<String> fields() {
        return after.keySet();
    }
}
