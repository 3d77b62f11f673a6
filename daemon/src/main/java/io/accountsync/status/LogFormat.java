package io.accountsync.status;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * How log lines look: human-readable text (the default) or JSON lines. logback.xml reads the
 * choice from the system property {@value #PROPERTY}, else the environment variable
 * {@value #ENV_VAR}; {@link #apply} sets the property and reconfigures logback.
 */
public enum LogFormat {
    TEXT, JSON;

    public static final String PROPERTY = "accountsync.log.format";
    public static final String ENV_VAR = "ACCOUNTSYNC_LOG_FORMAT";

    /** The format named {@code value} (any case), or null. */
    public static LogFormat parse(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> null;
        };
    }

    /** Logs in this format from now on: sets {@value #PROPERTY} and reloads the logging configuration. */
    public void apply() {
        String value = name().toLowerCase(Locale.ROOT);
        if (value.equals(System.getProperty(PROPERTY))) {
            return;
        }
        System.setProperty(PROPERTY, value);
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext ctx) {
            ctx.reset();
            try {
                new ContextInitializer(ctx).autoConfig();
            } catch (Exception e) {
                System.err.println("accountsync: cannot reload the logging configuration: " + e);
            }
        }
    }
}
