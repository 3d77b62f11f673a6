package io.accountsync.status;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %env} in a logback pattern: the environment a line is about ({@link LogEnvironments}), or {@code -}. */
public final class LogEnvConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        String env = LogEnvironments.resolve(event.getThreadName(), event.getMDCPropertyMap());
        return env == null ? "-" : env;
    }
}
