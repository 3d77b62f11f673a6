package io.accountsync.correlate;

/**
 * The outcome of correlating one local account.
 *
 * @param globalId   the canonical account, or -1 for a conflict
 * @param newLink    whether this local account was linked just now
 * @param conflict   why the local account cannot be linked (two local accounts of one environment
 *                   for one person), or null
 */
public record Correlation(long globalId, boolean newLink, String conflict) {

    public static Correlation conflict(String reason) {
        return new Correlation(-1, false, reason);
    }

    public boolean isConflict() {
        return conflict != null;
    }
}
