package io.accountsync.capture;

import io.accountsync.model.Dialect;
import io.accountsync.model.RowChange;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Debezium's Connect records into {@link RowChange}s with plain Java values.
 *
 * <p>Values: strings, Short/Integer/Long, Boolean, Float/Double, {@code byte[]} for binary, String for decimals
 * ({@code decimal.handling.mode=string}; BigDecimal if a passthrough asks for {@code precise}), {@link Instant} for
 * timestamp, timestamptz and datetime columns (a column without a zone is read as UTC, as Debezium encodes it),
 * {@link LocalDate} for dates, {@link LocalTime} for times (a MySQL TIME outside 00:00–24:00 becomes a
 * {@link Duration}), {@link OffsetTime} for timetz, {@link Duration} for intervals. A value Debezium cannot put on
 * the time line (PostgreSQL {@code infinity}) stays as Debezium gives it.
 */
final class RowChangeConverter {

    private static final Logger LOG = LoggerFactory.getLogger(RowChangeConverter.class);

    private final String env;
    private final Dialect dialect;

    RowChangeConverter(String env, Dialect dialect) {
        this.env = env;
        this.dialect = dialect;
    }

    /**
     * The row change a record carries, or empty for records that carry none: tombstones, heartbeats, schema changes,
     * transaction markers, truncates and logical-decoding messages.
     */
    Optional<RowChange> convert(SourceRecord record) {
        if (!(record.value() instanceof Struct value)) {
            return Optional.empty();
        }
        Schema schema = value.schema();
        if (schema.field("op") == null || schema.field("source") == null) {
            return Optional.empty();
        }
        String code = value.getString("op");
        RowChange.Op op = op(code);
        if (op == null) {
            if ("t".equals(code)) {
                LOG.warn("env {}: TRUNCATE of {} captured; accountsync does not propagate truncates",
                        env, table(value.getStruct("source")));
            }
            return Optional.empty();
        }
        Struct source = value.getStruct("source");
        return Optional.of(new RowChange(
                env,
                table(source),
                op,
                row(value, "before"),
                row(value, "after"),
                Instant.ofEpochMilli(source.getInt64("ts_ms")),
                position(source),
                txId(source)));
    }

    /**
     * The transaction marker a record is (Debezium's {@code provide.transaction.metadata} BEGIN or END), or null for
     * any other record.
     */
    static WholeTransactions.Item marker(SourceRecord record) {
        if (!(record.value() instanceof Struct value)) {
            return null;
        }
        Schema schema = value.schema();
        if (schema.field("op") != null || schema.field("status") == null || schema.field("event_count") == null) {
            return null;
        }
        return switch (String.valueOf(value.get("status"))) {
            case "BEGIN" -> WholeTransactions.Marker.BEGIN;
            case "END" -> WholeTransactions.Marker.END;
            default -> null;
        };
    }

    private static RowChange.Op op(String code) {
        if (code == null) {
            return null;
        }
        return switch (code) {
            case "r" -> RowChange.Op.READ;
            case "c" -> RowChange.Op.CREATE;
            case "u" -> RowChange.Op.UPDATE;
            case "d" -> RowChange.Op.DELETE;
            default -> null;
        };
    }

    private String table(Struct source) {
        String container = dialect == Dialect.POSTGRESQL ? string(source, "schema") : string(source, "db");
        return container + "." + string(source, "table");
    }

    /** PostgreSQL {@code lsn=<n>}; MariaDB/MySQL {@code <gtid> <file>:<pos>} (without the GTID during a snapshot). */
    private String position(Struct source) {
        if (dialect == Dialect.POSTGRESQL) {
            Object lsn = get(source, "lsn");
            return lsn == null ? null : "lsn=" + lsn;
        }
        Object gtid = get(source, "gtid");
        String coordinates = get(source, "file") + ":" + get(source, "pos");
        return gtid == null ? coordinates : gtid + " " + coordinates;
    }

    /**
     * PostgreSQL: the 32-bit xid as a decimal string; MariaDB/MySQL: the GTID, marked when the statement carried
     * accountsync's tag (MariaDB logs the statement with its rows). See {@link TransactionIds}.
     */
    private String txId(Struct source) {
        Object id = dialect == Dialect.POSTGRESQL ? get(source, "txId") : get(source, "gtid");
        String txId = id == null ? null : id.toString();
        return dialect == Dialect.POSTGRESQL ? txId : TransactionIds.tagged(txId, string(source, "query"));
    }

    private static Map<String, Object> row(Struct value, String name) {
        Field f = value.schema().field(name);
        if (f == null) {
            return null;
        }
        Struct row = value.getStruct(name);
        return row == null ? null : struct(row);
    }

    private static Map<String, Object> struct(Struct struct) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Field f : struct.schema().fields()) {
            m.put(f.name(), plain(f.schema(), struct.get(f)));
        }
        return Collections.unmodifiableMap(m);
    }

    /** A Connect value (with Debezium's semantic types) as a plain Java value. */
    static Object plain(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        String name = schema.name();
        if (name != null) {
            Object converted = semantic(name, value);
            if (converted != null) {
                return converted;
            }
        }
        return switch (schema.type()) {
            case BYTES -> value instanceof ByteBuffer || value instanceof byte[] ? bytes(value) : value;
            case STRUCT -> struct((Struct) value);
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (Object element : (List<?>) value) {
                    list.add(plain(schema.valueSchema(), element));
                }
                yield Collections.unmodifiableList(list);
            }
            case MAP -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                ((Map<?, ?>) value).forEach((k, v) -> map.put(plain(schema.keySchema(), k), plain(schema.valueSchema(), v)));
                yield Collections.unmodifiableMap(map);
            }
            default -> value;
        };
    }

    /** Debezium and Connect logical types; null when the name is not one of them or the value does not fit. */
    private static Object semantic(String name, Object value) {
        try {
            return switch (name) {
                case "io.debezium.time.Date" -> LocalDate.ofEpochDay(((Number) value).longValue());
                case "io.debezium.time.Time" -> timeOfDay(((Number) value).longValue() * 1_000_000L);
                case "io.debezium.time.MicroTime" -> timeOfDay(((Number) value).longValue() * 1_000L);
                case "io.debezium.time.NanoTime" -> timeOfDay(((Number) value).longValue());
                case "io.debezium.time.Timestamp" -> Instant.ofEpochMilli(((Number) value).longValue());
                case "io.debezium.time.MicroTimestamp" -> Instant.EPOCH.plus(((Number) value).longValue(), ChronoUnit.MICROS);
                case "io.debezium.time.NanoTimestamp" -> Instant.EPOCH.plusNanos(((Number) value).longValue());
                case "io.debezium.time.ZonedTimestamp", "io.debezium.time.IsoTimestamp" -> instant((String) value);
                case "io.debezium.time.ZonedTime" -> OffsetTime.parse((String) value);
                case "io.debezium.time.IsoDate" -> LocalDate.parse((String) value);
                case "io.debezium.time.IsoTime" -> LocalTime.parse((String) value);
                case "io.debezium.time.MicroDuration" -> Duration.of(((Number) value).longValue(), ChronoUnit.MICROS);
                case "io.debezium.data.VariableScaleDecimal" -> {
                    Struct s = (Struct) value;
                    yield new BigDecimal(new BigInteger(bytes(s.get("value"))), s.getInt32("scale"));
                }
                case "org.apache.kafka.connect.data.Date" ->
                        LocalDate.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC);
                case "org.apache.kafka.connect.data.Time" ->
                        timeOfDay(((java.util.Date) value).getTime() * 1_000_000L);
                case "org.apache.kafka.connect.data.Timestamp" -> ((java.util.Date) value).toInstant();
                case "org.apache.kafka.connect.data.Decimal" -> value; // a BigDecimal on a BYTES schema
                default -> null; // Json, Uuid, Enum, Year... are already plain
            };
        } catch (ArithmeticException | DateTimeException e) {
            return null; // e.g. PostgreSQL 'infinity': keep Debezium's value
        }
    }

    private static Object timeOfDay(long nanos) {
        // MySQL TIME spans -838:59:59..838:59:59; only a time of day fits LocalTime.
        if (nanos >= 0 && nanos < 86_400_000_000_000L) {
            return LocalTime.ofNanoOfDay(nanos);
        }
        return Duration.ofNanos(nanos);
    }

    /**
     * Debezium's ISO-8601 timestamp strings. Nearly all are UTC in one layout ({@code 2024-01-02T03:04:05.123456Z}),
     * read here by hand: the formatter-based parse was 2.5% of the daemon's CPU in a streaming profile. Anything
     * else (an offset, a year outside 0000–9999, a field out of range) goes to the full parser.
     */
    static Instant instant(String iso) {
        int n = iso.length();
        if (n >= 20 && n <= 30 && iso.charAt(n - 1) == 'Z' && iso.charAt(4) == '-' && iso.charAt(7) == '-'
                && iso.charAt(10) == 'T' && iso.charAt(13) == ':' && iso.charAt(16) == ':') {
            int year = digits(iso, 0, 4);
            int month = digits(iso, 5, 7);
            int day = digits(iso, 8, 10);
            int hour = digits(iso, 11, 13);
            int minute = digits(iso, 14, 16);
            int second = digits(iso, 17, 19);
            int nanos = 0;
            boolean ok = year >= 0 && month >= 1 && month <= 12 && day >= 1 && hour >= 0 && hour < 24
                    && minute >= 0 && minute < 60 && second >= 0 && second < 60;
            if (ok && n > 20) {
                int digits = n - 21;
                ok = iso.charAt(19) == '.' && digits >= 1 && digits <= 9;
                int fraction = ok ? digits(iso, 20, n - 1) : -1;
                ok = ok && fraction >= 0;
                if (ok) {
                    nanos = fraction;
                    for (int i = digits; i < 9; i++) {
                        nanos *= 10;
                    }
                }
            }
            if (ok) {
                long days = LocalDate.of(year, month, day).toEpochDay();   // an invalid day throws as the parser would
                return Instant.ofEpochSecond(days * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
            }
        }
        return OffsetDateTime.parse(iso).toInstant();
    }

    /** The decimal number in {@code s[from, to)}, or -1 if any of those characters is not a digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static byte[] bytes(Object value) {
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer b = buffer.duplicate();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        }
        return (byte[]) value;
    }

    private static Object get(Struct struct, String field) {
        return struct.schema().field(field) == null ? null : struct.get(field);
    }

    private static String string(Struct struct, String field) {
        Object v = get(struct, field);
        return v == null ? null : v.toString();
    }
}
