package io.accountsync.pipeline;

/** Where a bootstrap stands; the CLI shows it as a bar on a terminal, as lines otherwise. */
public interface BootstrapProgress {

    BootstrapProgress NONE = new BootstrapProgress() {
    };

    /** {@code env}'s read begins; environments are read at once, so these and {@link #read} come from several threads. */
    default void reading(String env) {
    }

    default void read(String env, long rows) {
    }

    /** {@code env} is read in full: {@code rows} local accounts. */
    default void readDone(String env, long rows) {
        read(env, rows);
    }

    /** Every environment is read: {@code localAccounts} in all, grouped into people as the merge goes. */
    default void merging(long localAccounts) {
    }

    /** {@code people} merged, of {@code localAccounts} local accounts. */
    default void merged(long people, long localAccounts) {
    }

    /** Every person is merged; the state store's keys and indexes are being built (a while, for large stores). */
    default void indexing(long links) {
    }

    default void applying(long patches) {
    }

    default void applied(long done) {
    }

    default void finished() {
    }
}
