package io.accountsync.profile;

import io.accountsync.model.AccountChange;
import io.accountsync.model.Patch;
import io.accountsync.model.RowChange;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Query;

/**
 * How one application stores accounts. A profile instance is bound to one environment (its dialect,
 * schema and table prefix) and is stateless between calls.
 */
public interface Profile {

    /** The profile's configuration name ({@code generic}, {@code trac}, ...). */
    String name();

    /** Tables to capture, as the source names them: {@code schema.table} or {@code database.table}. */
    List<String> capturedTables();

    /** Canonical fields this profile can read and write. */
    Set<String> fields();

    /** The correlation form of a username as this application compares them (case, spaces). */
    String normalizeUsername(String raw);

    /**
     * Turns the row changes of one captured batch (in source order; rows of one transaction are
     * adjacent) into account changes. A row that is not an account change yields nothing.
     *
     * @throws BadRowException for a row that cannot be understood; the caller quarantines it
     */
    List<AccountChange> normalize(RowChange change) throws BadRowException;

    /**
     * The statements that carry out the patch, in order, meant to run in one transaction. They must
     * be idempotent: running them twice gives the same rows as running them once, and a statement
     * whose values are already in place changes no row (so that it leaves no event in the log).
     */
    List<Query> write(DSLContext dsl, Patch patch, ColumnLimits columns);

    /**
     * Why a value cannot be stored in this application's column, or empty when it can. The reason
     * names the field and the limit, never the value itself.
     */
    Optional<String> rejects(String field, String value, ColumnLimits limits);

    /** Receives what a full read yields. */
    interface ReadSink {
        void account(AccountChange change) throws Exception;

        /** A row that cannot be understood; the caller quarantines it and the read goes on. */
        void bad(String reason) throws Exception;
    }

    /**
     * Reads every account of the environment inside the caller's (consistent, read-only)
     * transaction, streamed row by row. Each account arrives as a snapshot change dated by its last
     * activity.
     */
    void readAll(DSLContext dsl, String env, ReadSink sink) throws Exception;

    /** The tables (unqualified) whose column limits {@link #rejects} consults. */
    List<String> writtenTables();
}
