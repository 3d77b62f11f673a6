package io.accountsync.capture;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Arrays;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

/**
 * Keeps the secrets registered in {@link LogSecrets} out of log output: an event whose message, arguments or
 * exception chain contains one is denied and logged again, at the same level by the same logger, with every secret
 * replaced by {@code [hidden]} and the exception chain copied with redacted messages (stack traces kept).
 *
 * <p>Install it in logback.xml: {@code <turboFilter class="io.accountsync.capture.SecretLogFilter"/>}. It lives in
 * the connectors' tests only because the connectors do not depend on logback at compile time; the daemon (which
 * does) should carry it.
 */
public final class SecretLogFilter extends TurboFilter {

    private static final ThreadLocal<Boolean> RELOGGING = ThreadLocal.withInitial(() -> Boolean.FALSE);

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (format == null || logger == null || level == null || RELOGGING.get()) {
            return FilterReply.NEUTRAL; // an isXxxEnabled() check, or our own re-log
        }
        // Checked without logger.isEnabledFor, which would call the turbo filters again.
        if (!level.isGreaterOrEqual(logger.getEffectiveLevel())) {
            return FilterReply.NEUTRAL;
        }
        Throwable throwable = t;
        Object[] args = params;
        if (throwable == null && params != null && params.length > 0
                && params[params.length - 1] instanceof Throwable last) {
            // slf4j convention: a trailing Throwable argument is the event's exception
            throwable = last;
            args = Arrays.copyOf(params, params.length - 1);
        }
        String message = args == null || args.length == 0 ? format
                : MessageFormatter.basicArrayFormat(format, args);
        if (!LogSecrets.containsSecret(message) && !LogSecrets.containsSecret(throwable)) {
            return FilterReply.NEUTRAL;
        }
        RELOGGING.set(Boolean.TRUE);
        try {
            logger.log(marker, SecretLogFilter.class.getName(), Level.toLocationAwareLoggerInteger(level),
                    LogSecrets.redact(message) + " [secrets hidden]", null,
                    throwable == null ? null : LogSecrets.redact(throwable));
        } finally {
            RELOGGING.set(Boolean.FALSE);
        }
        return FilterReply.DENY;
    }
}
