package io.accountsync.pipeline;

/** Where a bootstrap stands; the CLI shows it as a bar on a terminal, as lines otherwise. */
public interface BootstrapProgress {

    BootstrapProgress NONE = new BootstrapProgress() {
    };

    default void reading(String env) {
    }

    default void read(String env, long rows) {
    }

    default void merging(long total) {
    }

    default void merged(long done) {
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
