package io.accountsync.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountsync.model.Dialect;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The source position an environment's capture will resume from: the offset Debezium stored in
 * {@code <workDir>/offsets.dat} (Kafka's {@code FileOffsetBackingStore}: a serialized map of JSON key to JSON value).
 * Read only to check, before a restart, that the database still holds that position, and to name it in messages.
 *
 * @param lsn        PostgreSQL: the last completely processed LSN ({@code lsn_proc}, else {@code lsn}); null otherwise
 * @param binlogFile MariaDB/MySQL: the binlog file; null otherwise
 * @param binlogPos  MariaDB/MySQL: the position in that file; null otherwise
 * @param gtids      MariaDB/MySQL: the GTID set processed; null when the server uses no GTIDs
 */
public record StoredOffset(Long lsn, String binlogFile, Long binlogPos, String gtids) {

    private static final ObjectMapper JSON = new ObjectMapper();
    // The file is Java serialization: let nothing but the map and its byte arrays be instantiated.
    private static final ObjectInputFilter ONLY_MAP_OF_BYTES = info -> {
        Class<?> c = info.serialClass();
        // HashMap.readObject checks a Map.Entry[] (its table) against the filter too.
        if (c == null || c == HashMap.class || c == byte[].class || c == Map.Entry[].class) {
            return ObjectInputFilter.Status.ALLOWED;
        }
        return ObjectInputFilter.Status.REJECTED;
    };

    /** The offset stored under {@code workDir}, or empty when capture there has none yet. */
    public static Optional<StoredOffset> read(Path workDir) throws IOException {
        Path file = workDir.resolve(DebeziumProperties.OFFSETS_FILE);
        Map<?, ?> raw;
        try (InputStream in = Files.newInputStream(file); ObjectInputStream ois = new ObjectInputStream(in)) {
            ois.setObjectInputFilter(ONLY_MAP_OF_BYTES);
            Object o = ois.readObject();
            if (!(o instanceof Map<?, ?> m)) {
                throw new IOException(file + " does not hold an offsets map");
            }
            raw = m;
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (ClassNotFoundException | java.io.InvalidClassException e) {
            throw new IOException(file + " is not an offsets file: " + e.getMessage(), e);
        }
        for (Object value : raw.values()) {
            if (value instanceof byte[] bytes) {
                // One engine writes one partition (its topic prefix) per file.
                return Optional.of(parse(JSON.readTree(new String(bytes, StandardCharsets.UTF_8))));
            }
        }
        return Optional.empty();
    }

    static StoredOffset parse(JsonNode v) {
        Long lsn = number(v, "lsn_proc");
        if (lsn == null) {
            lsn = number(v, "lsn");
        }
        String gtids = text(v, "gtids");
        return new StoredOffset(lsn, text(v, "file"), number(v, "pos"), gtids == null || gtids.isBlank() ? null : gtids);
    }

    /** The position for a message: {@code lsn 0/16B3748}, {@code GTID 0-1-627 (binlog mariadb-bin.000001:5855419)}. */
    public String describe(Dialect dialect) {
        if (dialect == Dialect.POSTGRESQL) {
            return lsn == null ? "the stored offset" : "lsn " + lsnText(lsn);
        }
        String file = binlogFile == null ? null : "binlog " + binlogFile + (binlogPos == null ? "" : ":" + binlogPos);
        if (gtids != null) {
            return "GTID " + gtids + (file == null ? "" : " (" + file + ")");
        }
        return file == null ? "the stored offset" : file;
    }

    /** PostgreSQL's notation of an LSN: two hexadecimal halves. */
    public static String lsnText(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                + Long.toHexString(lsn & 0xffffffffL).toUpperCase(java.util.Locale.ROOT);
    }

    /** Parses {@code 0/16B3748}. */
    public static long parseLsn(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not an LSN: " + text);
        }
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    private static Long number(JsonNode v, String field) {
        JsonNode n = v.get(field);
        return n == null || !n.canConvertToLong() ? null : n.asLong();
    }

    private static String text(JsonNode v, String field) {
        JsonNode n = v.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
