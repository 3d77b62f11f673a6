package io.accountsync.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One row change as captured from an environment's log, before any profile has looked at it.
 *
 * @param env        the environment it came from
 * @param table      the captured table as the source names it: {@code schema.table} (PostgreSQL) or
 *                   {@code database.table} (MariaDB/MySQL)
 * @param op         what happened to the row
 * @param before     column values before the change (null for inserts and snapshot reads)
 * @param after      column values after the change (null for deletes)
 * @param commitTime the source transaction's commit time (for snapshot reads: the read time)
 * @param position   the source position, printable (LSN or GTID/binlog coordinates)
 * @param txId       the source transaction id (PostgreSQL xid, MariaDB/MySQL GTID); null when unknown.
 *                   Used to recognise accountsync's own writes (echoes).
 */
public record RowChange(
        String env,
        String table,
        Op op,
        Map<String, Object> before,
        Map<String, Object> after,
        Instant commitTime,
        String position,
        String txId) {

    public enum Op { READ, CREATE, UPDATE, DELETE }

    public RowChange {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(commitTime, "commitTime");
    }

    /** The row image that describes the row as it is now (after, or before for a delete). */
    public Map<String, Object> current() {
        return after != null ? after : before;
    }
}
