package io.accountsync.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accountsync.model.Dialect;
import io.accountsync.model.RowChange;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RowChangeConverterTest {

    private static final long TS = 1_700_000_000_123L;

    private static final Schema PG_SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("connector", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field("db", Schema.STRING_SCHEMA)
            .field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    private static final Schema BINLOG_SOURCE = SchemaBuilder.struct().name("io.debezium.connector.mariadb.Source")
            .field("connector", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field("db", Schema.STRING_SCHEMA)
            .field("table", Schema.OPTIONAL_STRING_SCHEMA)
            .field("gtid", Schema.OPTIONAL_STRING_SCHEMA)
            .field("file", Schema.STRING_SCHEMA)
            .field("pos", Schema.INT64_SCHEMA)
            .build();

    private static final Schema ROW = SchemaBuilder.struct().name("accountsync_x.public.user.Value").optional()
            .field("id", Schema.INT32_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("active", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("logins", Schema.OPTIONAL_INT16_SCHEMA)
            .field("karma", Schema.OPTIONAL_INT64_SCHEMA)
            .field("balance", Schema.OPTIONAL_STRING_SCHEMA)
            .field("created", named(Schema.OPTIONAL_INT64_SCHEMA, "io.debezium.time.MicroTimestamp"))
            .field("touched", named(Schema.OPTIONAL_STRING_SCHEMA, "io.debezium.time.ZonedTimestamp"))
            .field("birthday", named(Schema.OPTIONAL_INT32_SCHEMA, "io.debezium.time.Date"))
            .field("avatar", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("wakeup", named(Schema.OPTIONAL_INT64_SCHEMA, "io.debezium.time.MicroTime"))
            .build();

    private final RowChangeConverter pg = new RowChangeConverter("wiki1", Dialect.POSTGRESQL);
    private final RowChangeConverter mariadb = new RowChangeConverter("trac", Dialect.MARIADB);

    @Test
    void shouldConvertAPostgresUpdateToPlainJavaValues() {
        Struct source = new Struct(PG_SOURCE).put("connector", "postgresql").put("ts_ms", TS).put("db", "wiki")
                .put("schema", "mediawiki").put("table", "user").put("txId", 3_000_000_000L).put("lsn", 123456L);
        Struct before = row(7, "ann");
        Struct after = row(7, "anne");

        RowChange change = pg.convert(record(envelope(PG_SOURCE, "u", before, after, source))).orElseThrow();

        assertThat(change.env()).isEqualTo("wiki1");
        assertThat(change.table()).isEqualTo("mediawiki.user");
        assertThat(change.op()).isEqualTo(RowChange.Op.UPDATE);
        assertThat(change.commitTime()).isEqualTo(Instant.ofEpochMilli(TS));
        assertThat(change.position()).isEqualTo("lsn=123456");
        assertThat(change.txId()).isEqualTo("3000000000");
        assertThat(change.before()).containsEntry("name", "ann");
        Map<String, Object> a = change.after();
        assertThat(a).containsEntry("id", 7).containsEntry("name", "anne").containsEntry("active", true)
                .containsEntry("logins", (short) 2).containsEntry("karma", 5_000_000_000L).containsEntry("balance", "12.50")
                .containsEntry("created", Instant.parse("2024-01-02T03:04:05.123456Z"))
                .containsEntry("touched", Instant.parse("2024-01-02T01:04:05.5Z"))
                .containsEntry("birthday", LocalDate.of(1990, 5, 6))
                .containsEntry("wakeup", LocalTime.of(7, 30, 0, 250_000_000));
        assertThat(a.get("avatar")).isInstanceOf(byte[].class);
        assertThat((byte[]) a.get("avatar")).containsExactly(1, 2, 0xff);
        assertThat(List.copyOf(a.keySet())).containsExactly("id", "name", "active", "logins", "karma", "balance",
                "created", "touched", "birthday", "avatar", "wakeup");
    }

    @Test
    void shouldConvertMariaDbChangesWithGtidsAndSnapshotReadsWithout() {
        Struct streamed = new Struct(BINLOG_SOURCE).put("connector", "mariadb").put("ts_ms", TS).put("db", "trac")
                .put("table", "session").put("gtid", "0-1-42").put("file", "mariadb-bin.000003").put("pos", 1234L);
        Struct snapshot = new Struct(BINLOG_SOURCE).put("connector", "mariadb").put("ts_ms", TS).put("db", "trac")
                .put("table", "session").put("file", "mariadb-bin.000003").put("pos", 99L);

        RowChange created = mariadb.convert(record(envelope(BINLOG_SOURCE, "c", null, row(1, "a"), streamed)))
                .orElseThrow();
        RowChange deleted = mariadb.convert(record(envelope(BINLOG_SOURCE, "d", row(1, "a"), null, streamed)))
                .orElseThrow();
        RowChange read = mariadb.convert(record(envelope(BINLOG_SOURCE, "r", null, row(1, "a"), snapshot)))
                .orElseThrow();

        assertThat(created.op()).isEqualTo(RowChange.Op.CREATE);
        assertThat(created.table()).isEqualTo("trac.session");
        assertThat(created.before()).isNull();
        assertThat(created.txId()).isEqualTo("0-1-42");
        assertThat(created.position()).isEqualTo("0-1-42 mariadb-bin.000003:1234");
        assertThat(deleted.op()).isEqualTo(RowChange.Op.DELETE);
        assertThat(deleted.after()).isNull();
        assertThat(deleted.current()).containsEntry("name", "a");
        assertThat(read.op()).isEqualTo(RowChange.Op.READ);
        assertThat(read.txId()).isNull();
        assertThat(read.position()).isEqualTo("mariadb-bin.000003:99");
    }

    @Test
    void shouldSkipRecordsThatCarryNoRowChange() {
        Struct source = new Struct(PG_SOURCE).put("connector", "postgresql").put("ts_ms", TS).put("db", "w")
                .put("schema", "s").put("table", "t");
        Schema heartbeat = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat")
                .field("ts_ms", Schema.INT64_SCHEMA).build();
        Schema schemaChange = SchemaBuilder.struct().name("io.debezium.connector.mariadb.SchemaChangeValue")
                .field("source", BINLOG_SOURCE).field("ddl", Schema.STRING_SCHEMA).build();
        Schema transaction = SchemaBuilder.struct().name("io.debezium.connector.common.TransactionMetadataValue")
                .field("status", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA).build();

        assertThat(pg.convert(new SourceRecord(Map.of(), Map.of(), "t", null, null, null, null))).isEmpty();
        assertThat(pg.convert(record(new Struct(heartbeat).put("ts_ms", TS)))).isEmpty();
        assertThat(pg.convert(record(new Struct(transaction).put("status", "BEGIN").put("id", "1")))).isEmpty();
        assertThat(mariadb.convert(record(new Struct(schemaChange).put("ddl", "create table x (a int)")
                .put("source", new Struct(BINLOG_SOURCE).put("connector", "mariadb").put("ts_ms", TS).put("db", "d")
                        .put("file", "f").put("pos", 1L))))).isEmpty();
        assertThat(pg.convert(record(envelope(PG_SOURCE, "t", null, null, source)))).isEmpty();
        assertThat(pg.convert(record(envelope(PG_SOURCE, "m", null, null, source)))).isEmpty();
    }

    @Test
    void shouldConvertDebeziumAndConnectLogicalTypes() {
        Schema vsd = SchemaBuilder.struct().name("io.debezium.data.VariableScaleDecimal")
                .field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).build();

        assertThat(plain(named(Schema.INT64_SCHEMA, "io.debezium.time.Timestamp"), 1_000L))
                .isEqualTo(Instant.ofEpochSecond(1));
        assertThat(plain(named(Schema.INT64_SCHEMA, "io.debezium.time.NanoTimestamp"), 1_000_000_001L))
                .isEqualTo(Instant.ofEpochSecond(1, 1));
        assertThat(plain(named(Schema.INT32_SCHEMA, "io.debezium.time.Time"), 3_600_000)).isEqualTo(LocalTime.of(1, 0));
        assertThat(plain(named(Schema.INT64_SCHEMA, "io.debezium.time.MicroTime"), 90_000_000_000L))
                .isEqualTo(Duration.ofHours(25)); // MySQL TIME beyond a day
        assertThat(plain(named(Schema.INT64_SCHEMA, "io.debezium.time.MicroTime"), -1_000_000L))
                .isEqualTo(Duration.ofSeconds(-1));
        assertThat(plain(named(Schema.STRING_SCHEMA, "io.debezium.time.ZonedTime"), "10:15:30+01:00"))
                .isEqualTo(OffsetTime.of(10, 15, 30, 0, ZoneOffset.ofHours(1)));
        assertThat(plain(named(Schema.STRING_SCHEMA, "io.debezium.time.ZonedTimestamp"), "infinity"))
                .isEqualTo("infinity");
        assertThat(plain(named(Schema.INT64_SCHEMA, "io.debezium.time.MicroDuration"), 1_500_000L))
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(plain(named(Schema.INT32_SCHEMA, "io.debezium.time.Year"), 2024)).isEqualTo(2024);
        assertThat(plain(named(Schema.STRING_SCHEMA, "io.debezium.data.Json"), "{\"a\":1}")).isEqualTo("{\"a\":1}");
        assertThat(plain(vsd, new Struct(vsd).put("scale", 2).put("value", new byte[] {0x04, (byte) 0xd2})))
                .isEqualTo(new BigDecimal("12.34"));
        assertThat(plain(Decimal.schema(2), new BigDecimal("1.50"))).isEqualTo(new BigDecimal("1.50"));
        assertThat(plain(Timestamp.SCHEMA, new Date(1_000L))).isEqualTo(Instant.ofEpochSecond(1));
        assertThat(plain(org.apache.kafka.connect.data.Date.SCHEMA, new Date(86_400_000L)))
                .isEqualTo(LocalDate.of(1970, 1, 2));
        assertThat(plain(Time.SCHEMA, new Date(61_000L))).isEqualTo(LocalTime.of(0, 1, 1));
    }

    @Test
    void shouldConvertContainersAndBuffers() {
        Schema array = SchemaBuilder.array(Schema.BYTES_SCHEMA).build();
        Schema nested = SchemaBuilder.struct().field("d", named(Schema.INT32_SCHEMA, "io.debezium.time.Date")).build();

        Object list = plain(array, List.of(ByteBuffer.wrap(new byte[] {1}), ByteBuffer.wrap(new byte[] {2, 3}, 1, 1)));
        Object map = plain(nested, new Struct(nested).put("d", 0));

        assertThat((List<?>) list).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOf(byte[].class));
        assertThat((byte[]) ((List<?>) list).get(1)).containsExactly(3);
        assertThat(map).isEqualTo(Map.of("d", LocalDate.EPOCH));
        assertThat(plain(Schema.OPTIONAL_STRING_SCHEMA, null)).isNull();
    }

    // ------------------------------------------------------------------ fixtures

    private static Object plain(Schema schema, Object value) {
        return RowChangeConverter.plain(schema, value);
    }

    private static Schema named(Schema base, String name) {
        SchemaBuilder b = new SchemaBuilder(base.type()).name(name);
        return base.isOptional() ? b.optional().build() : b.build();
    }

    private static Struct row(int id, String name) {
        return new Struct(ROW).put("id", id).put("name", name).put("active", true).put("logins", (short) 2)
                .put("karma", 5_000_000_000L).put("balance", "12.50").put("created", 1_704_164_645_123_456L)
                .put("touched", "2024-01-02T03:04:05.5+02:00").put("birthday", (int) LocalDate.of(1990, 5, 6).toEpochDay())
                .put("avatar", ByteBuffer.wrap(new byte[] {1, 2, (byte) 0xff}))
                .put("wakeup", 27_000_250_000L);
    }

    private static Struct envelope(Schema sourceSchema, String op, Struct before, Struct after, Struct source) {
        Schema schema = SchemaBuilder.struct().name("accountsync_x.public.user.Envelope")
                .field("before", ROW).field("after", ROW).field("source", sourceSchema)
                .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
        return new Struct(schema).put("before", before).put("after", after).put("source", source).put("op", op);
    }

    private static SourceRecord record(Struct value) {
        return new SourceRecord(Map.of(), Map.of(), "topic", null, null, value.schema(), value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-01-02T03:04:05.123456Z", "2024-01-02T03:04:05Z",
            "2024-02-29T23:59:59.999999999Z", "1970-01-01T00:00:00.1Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.5Z",
            "2024-01-02T03:04:05.123456+02:00", "+12024-01-02T03:04:05Z", "2024-01-02T03:04:05.Z"})
    void shouldReadTimestampStringsAsTheIsoParserDoes(String iso) {
        Instant expected;
        try {
            expected = OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeException e) {
            assertThatThrownBy(() -> RowChangeConverter.instant(iso)).isInstanceOf(DateTimeException.class);
            return;
        }
        assertThat(RowChangeConverter.instant(iso)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2024-01-0xT00:00:00Z"})
    void shouldRefuseInvalidTimestampsLikeTheIsoParser(String iso) {
        assertThatThrownBy(() -> OffsetDateTime.parse(iso)).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> RowChangeConverter.instant(iso)).isInstanceOf(DateTimeException.class);
    }
}
