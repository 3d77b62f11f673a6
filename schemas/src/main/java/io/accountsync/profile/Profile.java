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

    /** A username in the form this application itself stores and compares (case, spaces). */
    String normalizeUsername(String raw);

    /**
     * The key that correlates local accounts across environments: the application's own form,
     * then Unicode NFC, lower case, and underscores as spaces (MediaWiki's view of a name), runs of
     * white space as one — so that "Tom_Sawyer" in Trac, "Tom sawyer" in MediaWiki and "tom sawyer"
     * in Moodle are one person. Two local accounts of one environment with one key (Trac's "Tom"
     * and "tom") are a conflict for an operator, never a guess.
     */
    default String correlationKey(String raw) {
        String n = normalizeUsername(raw);
        if (n == null) {
            return null;
        }
        return java.text.Normalizer.normalize(n, java.text.Normalizer.Form.NFC).toLowerCase(java.util.Locale.ROOT)
                .replace('_', ' ').replaceAll("\\s+", " ").strip();
    }

    /**
     * Turns the row changes of one captured batch (in source order; rows of one transaction are
     * adjacent) into account changes. A row that is not an account change yields nothing.
     *
     * @throws BadRowException for a row that cannot be understood; the caller quarantines it
     */
    List<AccountChange> normalize(RowChange change) throws BadRowException;

    /** The account changes of one captured batch and the rows that could not be understood. */
    record Normalized(List<AccountChange> changes, List<BadRow> bad) {
    }

    /** A row a profile could not understand: where it was, why, and its local key when known (else null). */
    record BadRow(String position, String reason, String localKey) {
        public BadRow(String position, String reason) {
            this(position, reason, null);
        }
    }

    /**
     * Turns one captured batch (rows in source order; the rows of one transaction are adjacent and
     * share a txId) into account changes. The default treats each row on its own; a profile that
     * keeps one account in several rows (Trac's session attributes) overrides it to fold each
     * transaction's rows of one account into one change, so that a rewrite of identical values is
     * no change at all.
     */
    default Normalized normalizeBatch(List<RowChange> rows) {
        List<AccountChange> out = new java.util.ArrayList<>();
        List<BadRow> bad = new java.util.ArrayList<>();
        for (RowChange r : rows) {
            try {
                out.addAll(normalize(r));
            } catch (BadRowException e) {
                bad.add(new BadRow(r.position(), e.getMessage(), e.localKey()));
            }
        }
        return new Normalized(out, bad);
    }

    /**
     * The statements that carry out the patch, in order, meant to run in one transaction. They must
     * be idempotent: running them twice gives the same rows as running them once, and a statement
     * whose values are already in place changes no row (so that it leaves no event in the log).
     * An update only changes a field where the row still holds {@link Patch#expected()}. A
     * {@link Patch.Kind#DELETE} carries out the application's own delete semantics (a profile that
     * cannot delete returns no statement).
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

        /** As {@link #bad(String)}, with the row's local key when the profile could read it (else null). */
        default void bad(String reason, String localKey) throws Exception {
            bad(reason);
        }

        /**
         * Something odd but harmless about a row that was read all the same (a last activity that is
         * not a plausible point in time, read as unknown): the caller logs it, naming where it was.
         */
        default void note(String message) throws Exception {
        }
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
