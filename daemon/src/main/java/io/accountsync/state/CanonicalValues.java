package io.accountsync.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An account's canonical values as the state store keeps them: one JSON object in the account's own row
 * ({@code account.canonical}), field → {@code {"value": …, "env": …, "time": …}}, fields sorted, times in
 * ISO-8601 UTC to the microsecond (as the store's timestamps). One row per account instead of one per field:
 * the bootstrap loads a million accounts' values without a table and a key of two million rows of their own,
 * and a batch reads and writes an account's values with its row.
 */
public final class CanonicalValues {
    private static final JsonFactory JSON = new JsonFactory();

    private CanonicalValues() {
    }

    /** The column's text for {@code values}; null when there are none. */
    public static String encode(Map<String, CanonicalValue> values) {
        if (values.isEmpty()) {
            return null;
        }
        StringWriter out = new StringWriter(64 * values.size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, CanonicalValue> e : new TreeMap<>(values).entrySet()) {
                CanonicalValue v = e.getValue();
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("value", v.value());
                g.writeStringField("env", v.sourceEnv());
                g.writeStringField("time", v.sourceTime().truncatedTo(ChronoUnit.MICROS).toString());
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // a StringWriter does not fail
        }
        return out.toString();
    }

    /**
     * The values in the column's text (null: none).
     *
     * @param globalId the account, named when the text is not what {@link #encode} writes
     * @throws StateStoreException when the text is not such an object
     */
    public static Map<String, CanonicalValue> decode(long globalId, String text) {
        Map<String, CanonicalValue> out = new HashMap<>();
        if (text == null) {
            return out;
        }
        try (JsonParser p = JSON.createParser(text)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                expect(p.nextToken(), JsonToken.START_OBJECT);
                String value = null;
                String env = null;
                Instant time = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken t = p.nextToken();
                    String s = t == JsonToken.VALUE_NULL ? null : p.getText();
                    switch (name) {
                        case "value" -> value = s;
                        case "env" -> env = s;
                        case "time" -> time = s == null ? null : Instant.parse(s);
                        default -> p.skipChildren();
                    }
                }
                if (env == null || time == null) {
                    throw new IOException("field " + field + " lacks its env or time");
                }
                out.put(field, new CanonicalValue(value, env, time));
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IOException("trailing content");
            }
        } catch (JsonProcessingException e) {
            // Neither the parser's message nor the exception: they quote the text, and the values are personal data.
            throw unreadable(globalId, "not JSON at character " + e.getLocation().getCharOffset(), null);
        } catch (IOException e) {
            throw unreadable(globalId, e.getMessage(), e);
        } catch (DateTimeParseException e) {
            throw unreadable(globalId, "a time is not an ISO-8601 instant", e);
        }
        return out;
    }

    private static StateStoreException unreadable(long globalId, String why, Exception cause) {
        return new StateStoreException("the state store's canonical values of account " + globalId
                + " are not readable (" + why + "): restore the store from a backup, or bootstrap again", cause);
    }

    private static void expect(JsonToken got, JsonToken want) throws IOException {
        if (got != want) {
            throw new IOException("expected " + want + ", found " + got);
        }
    }
}
