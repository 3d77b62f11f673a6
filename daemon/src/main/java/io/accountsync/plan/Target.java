package io.accountsync.plan;

import java.util.Set;

/**
 * An environment as the planner sees it.
 *
 * @param env           its name
 * @param writable      whether accountsync may write to it (enabled, role both or target)
 * @param createMissing whether accounts that exist elsewhere are created in it
 * @param read          whether accountsync reads it (enabled, role both or source): its edits are captured and
 *                      merged, so a write there must not overwrite one not seen yet; one never read (role
 *                      target) holds what accountsync writes
 * @param fields        the synced fields its profile can store
 */
public record Target(String env, boolean writable, boolean createMissing, boolean read, Set<String> fields) {
}
