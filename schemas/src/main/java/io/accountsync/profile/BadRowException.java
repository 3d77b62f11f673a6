package io.accountsync.profile;

/** A captured row a profile cannot turn into an account change; the pipeline quarantines it. */
public class BadRowException extends Exception {
    public BadRowException(String message) {
        super(message);
    }
}
