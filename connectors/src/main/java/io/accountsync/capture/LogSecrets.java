package io.accountsync.capture;

import io.accountsync.connect.Secret;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secrets that capture engines have handed to Debezium, for a log filter to keep out of log output.
 *
 * <p>Debezium logs its connector configuration (at DEBUG, as a plain map) and, when the engine fails, an exception
 * whose message holds the whole configuration, database password included. A logging backend's filter asks
 * {@link #containsSecret} and, for such an event, logs {@link #redact}ed text instead (see {@code SecretLogFilter}
 * in the tests for the logback one). A secret stays registered for the life of the JVM: an engine's password may
 * still show up in a late log line after the engine has stopped, and there are only ever a handful.
 */
public final class LogSecrets {

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private LogSecrets() {
    }

    /** Registers secrets so that log filters hide them; empty secrets are ignored. */
    public static void register(Secret... secrets) {
        for (Secret s : secrets) {
            if (s != null && !s.isEmpty()) {
                SECRETS.add(s.reveal());
            }
        }
    }

    /** Whether any registered secret occurs in {@code text}. */
    public static boolean containsSecret(String text) {
        if (text == null || SECRETS.isEmpty()) {
            return false;
        }
        for (String s : SECRETS) {
            if (text.contains(s)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a registered secret occurs in the message of {@code error} or of any of its causes or suppressed. */
    public static boolean containsSecret(Throwable error) {
        return containsSecret(error, 0);
    }

    private static boolean containsSecret(Throwable error, int depth) {
        if (error == null || depth > 20) {
            return false;
        }
        if (containsSecret(error.getMessage()) || containsSecret(error.toString())) {
            return true;
        }
        for (Throwable s : error.getSuppressed()) {
            if (containsSecret(s, depth + 1)) {
                return true;
            }
        }
        return error.getCause() != error && containsSecret(error.getCause(), depth + 1);
    }

    /** {@code text} with every registered secret replaced by {@code [hidden]}. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String s = text;
        for (String secret : SECRETS) {
            s = s.replace(secret, Secret.HIDDEN);
        }
        return s;
    }

    /**
     * A copy of {@code error}'s chain (causes and suppressed) with redacted messages and the original stack traces,
     * each link a {@link RedactedException} naming the original class.
     */
    public static Throwable redact(Throwable error) {
        return redact(error, 0);
    }

    private static Throwable redact(Throwable error, int depth) {
        if (error == null) {
            return null;
        }
        Throwable cause = error.getCause() == error || depth > 20 ? null : redact(error.getCause(), depth + 1);
        RedactedException copy = new RedactedException(
                error.getClass().getName() + (error.getMessage() == null ? "" : ": " + redact(error.getMessage())),
                cause);
        copy.setStackTrace(error.getStackTrace());
        for (Throwable s : error.getSuppressed()) {
            copy.addSuppressed(redact(s, depth + 1));
        }
        return copy;
    }

    /** Stands in for an exception whose message held a secret; its message starts with the original class name. */
    public static final class RedactedException extends RuntimeException {
        RedactedException(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
