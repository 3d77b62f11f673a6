package io.accountsync.plan;

import java.util.Set;

/**
 * An environment as the planner sees it.
 *
 * @param env           its name
 * @param writable      whether accountsync may write to it (enabled, role both or target)
 * @param createMissing whether accounts that exist elsewhere are created in it
 * @param fields        the synced fields its profile can store
 */
public record Target(String env, boolean writable, boolean createMissing, Set<String> fields) {
}
