package io.accountsync.apply;

import io.accountsync.connect.ErrorClass;

/** A failed write, classified. Its message is safe to log: it never holds secrets or values. */
public class ApplyException extends Exception {
    private final ErrorClass errorClass;

    public ApplyException(ErrorClass errorClass, String message, Throwable cause) {
        super(message, cause);
        this.errorClass = errorClass;
    }

    public ErrorClass errorClass() {
        return errorClass;
    }
}
