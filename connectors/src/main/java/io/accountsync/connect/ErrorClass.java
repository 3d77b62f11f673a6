package io.accountsync.connect;

/** What a database error means for the stage that met it. */
public enum ErrorClass {
    /** Try again later: connection lost, server restarting, deadlock, lock timeout. */
    RETRIABLE,
    /** The environment itself is misconfigured (bad credentials, missing table, no privilege): retrying the same thing will not help until an operator acts. */
    PERMANENT_ENVIRONMENT,
    /** This value can never be stored (too long, bad encoding, constraint): quarantine it, go on with the rest. */
    PERMANENT_VALUE
}
