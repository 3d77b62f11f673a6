package io.accountsync.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON form of a {@link DaemonStatus}: snake_case names, ISO-8601 times, every field present
 * (null when unknown), so that scripts can rely on the keys.
 */
public final class StatusJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)   // a newer daemon may say more
            .enable(SerializationFeature.INDENT_OUTPUT);

    private StatusJson() {
    }

    public static String write(DaemonStatus status) {
        try {
            return MAPPER.writeValueAsString(status) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the status as JSON", e);
        }
    }

    /** Reads what {@link #write} wrote. */
    public static DaemonStatus read(String json) throws JsonProcessingException {
        return MAPPER.readValue(json, DaemonStatus.class);
    }
}
