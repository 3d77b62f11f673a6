package io.accountsync.doctor;

/** The outcome of one check. Only {@link #FAIL} makes {@code accountsync doctor} exit non-zero. */
public enum Status {
    /** The prerequisite holds (the detail may carry information, e.g. binlog retention). */
    OK,
    /** Works, but not as recommended (a superuser, a slot holding much WAL): the fix is advice. */
    WARN,
    /** accountsync cannot work with this environment until the fix is applied. */
    FAIL
}
