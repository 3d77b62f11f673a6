package io.accountsync.apply;

import io.accountsync.model.Patch;
import java.util.List;

/** Writes patches into one environment: a real database, or a dry-run file. */
public interface PatchWriter extends AutoCloseable {

    /**
     * Writes all patches in one transaction (all or nothing).
     *
     * @param ownTransaction told the source transaction id of the write, so the pipeline can
     *                       recognise its echo; called before the write becomes visible in the
     *                       environment's log or, where the database only tells the id after
     *                       commit, right after commit (the caller serialises that window). If it
     *                       throws before the commit, the write is rolled back and the exception
     *                       passed on: a write is never committed while its id goes unrecorded.
     */
    default WriteResult write(List<Patch> patches, java.util.function.Consumer<String> ownTransaction)
            throws ApplyException {
        return write(patches, ownTransaction, new java.util.concurrent.locks.ReentrantLock());
    }

    /**
     * As {@link #write(List, java.util.function.Consumer)}; where the transaction id is only known
     * after commit, the commit and the id's registration happen while holding {@code commitWindow}
     * (and only those: a write waiting on a row lock does not hold it).
     */
    WriteResult write(List<Patch> patches, java.util.function.Consumer<String> ownTransaction,
                      java.util.concurrent.locks.Lock commitWindow) throws ApplyException;

    /** The environment's storage limits, for rejecting values before they are written. */
    io.accountsync.profile.ColumnLimits limits();

    /**
     * Reads the storage limits again (a column may have been altered since), before a value is
     * quarantined for not fitting; returns whether they were read again. Writers that cannot
     * (dry-run files) keep theirs.
     */
    default boolean refreshLimits() {
        return false;
    }

    @Override
    void close();

    /**
     * @param statements statements executed (or rendered)
     * @param rows       rows changed
     * @param txId       the transaction id as the environment's log will show it, or null
     */
    record WriteResult(int statements, int rows, String txId) {
    }
}
