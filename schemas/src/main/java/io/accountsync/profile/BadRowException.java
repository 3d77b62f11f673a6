package io.accountsync.profile;

/** A captured row a profile cannot turn into an account change; the pipeline quarantines it. */
public class BadRowException extends Exception {
    private final String localKey;

    public BadRowException(String message) {
        this(message, null);
    }

    /**
     * @param localKey the row's key in its environment when the profile could read it (so that the
     *                 quarantine entry names it and {@code accountsync quarantine retry} can read the
     *                 row again), else null
     */
    public BadRowException(String message, String localKey) {
        super(message);
        this.localKey = localKey;
    }

    /** The row's local key, or null when it is unknown (a row without a key). */
    public String localKey() {
        return localKey;
    }
}
