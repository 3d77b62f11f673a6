package io.accountsync.capture;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Records everything logback would write while it is open, as text (message, MDC, exception with its causes), and
 * can raise the level of some loggers meanwhile, so a test can scan the output for what must never be in it.
 */
final class CapturedLogs extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    private final List<ILoggingEvent> events = new ArrayList<>();
    private final Map<Logger, Level> previousLevels = new java.util.HashMap<>();

    private CapturedLogs() {
    }

    /** Starts capturing; {@code debugLoggers} are set to DEBUG until {@link #close()}. */
    static CapturedLogs capture(String... debugLoggers) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        CapturedLogs logs = new CapturedLogs();
        logs.setContext(context);
        logs.setName("captured-" + System.identityHashCode(logs));
        logs.start();
        for (String name : debugLoggers) {
            Logger logger = context.getLogger(name);
            logs.previousLevels.put(logger, logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logs);
        return logs;
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        events.add(event);
        StringBuilder b = new StringBuilder()
                .append(event.getLevel()).append(" [").append(event.getThreadName()).append("] ")
                .append(event.getMDCPropertyMap()).append(' ')
                .append(event.getLoggerName()).append(" - ").append(event.getFormattedMessage());
        if (event.getThrowableProxy() != null) {
            b.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        lines.add(b.toString());
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    synchronized List<ILoggingEvent> events() {
        return List.copyOf(events);
    }

    /** The captured lines that contain {@code text}. */
    synchronized List<String> linesContaining(String text) {
        return lines.stream().filter(l -> l.contains(text)).collect(Collectors.toList());
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) getContext();
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        previousLevels.forEach(Logger::setLevel);
        stop();
    }
}
