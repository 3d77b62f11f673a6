package io.accountsync.status;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Encodes log events as text (the {@code pattern}) or, with {@code format} {@code json}, as one JSON
 * object per line: {@code timestamp} (ISO-8601, UTC), {@code level}, {@code thread}, {@code logger},
 * {@code env} (the environment the line is about, or null), {@code message}, and {@code exception}
 * (the stack trace) when there is one. Either way the message is the one the secret filter let through.
 */
public final class LogLineEncoder extends PatternLayoutEncoder {
    private static final JsonFactory JSON = new JsonFactory();
    private LogFormat format = LogFormat.TEXT;

    /** {@code text} or {@code json}; anything else is reported and logs text. */
    public void setFormat(String value) {
        LogFormat f = LogFormat.parse(value);
        if (f == null) {
            addWarn("unknown log format '" + value + "' (expected text or json): logging text");
            f = LogFormat.TEXT;
        }
        format = f;
    }

    public LogFormat format() {
        return format;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        if (format == LogFormat.TEXT) {
            return super.encode(event);
        }
        return json(event).getBytes(StandardCharsets.UTF_8);
    }

    static String json(ILoggingEvent event) {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("timestamp", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(event.getTimeStamp())));
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("thread", event.getThreadName());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("env", LogEnvironments.resolve(event.getThreadName(), event.getMDCPropertyMap()));
            g.writeStringField("message", event.getFormattedMessage());
            IThrowableProxy t = event.getThrowableProxy();
            if (t != null) {
                g.writeStringField("exception", ThrowableProxyUtil.asString(t));
            }
            g.writeEndObject();
        } catch (IOException e) {
            // a StringWriter does not fail; keep the line rather than lose it
            return "{\"level\":\"" + event.getLevel() + "\",\"message\":\"(unencodable log line)\"}\n";
        }
        return w.append('\n').toString();
    }

    @Override
    public String toString() {
        return "LogLineEncoder[" + format.name().toLowerCase(Locale.ROOT) + "]";
    }
}
