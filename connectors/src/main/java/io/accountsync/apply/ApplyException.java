package io.accountsync.apply;

import io.accountsync.connect.ErrorClass;

/** A failed write, classified. Its message is safe to log: it never holds secrets or values. */
public class ApplyException extends Exception {
    private final ErrorClass errorClass;
    private final boolean rowBusy;

    public ApplyException(ErrorClass errorClass, String message, Throwable cause) {
        this(errorClass, false, message, cause);
    }

    /** @param rowBusy a row lock held by another transaction: other rows may still be written */
    public ApplyException(ErrorClass errorClass, boolean rowBusy, String message, Throwable cause) {
        super(message, cause);
        this.errorClass = errorClass;
        this.rowBusy = rowBusy;
    }

    public boolean rowBusy() {
        return rowBusy;
    }

    public ErrorClass errorClass() {
        return errorClass;
    }
}
