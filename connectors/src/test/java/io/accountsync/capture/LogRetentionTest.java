package io.accountsync.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountsync.connect.ConnectionSettings;
import io.accountsync.connect.Secret;
import io.accountsync.model.Dialect;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRetentionTest {

    @TempDir
    Path dir;

    private CaptureSettings settings(Dialect dialect, Map<String, String> debezium) {
        ConnectionSettings c = new ConnectionSettings(dialect, "127.0.0.1", 5432, "app", "sync", Secret.of("pw"));
        return new CaptureSettings("wiki", c, List.of("app.users"), dir, 7, null, null, "no_data", debezium);
    }

    @Test
    void shouldRecogniseWhatTheServersAndDebeziumSayWhenThePositionIsGone() {
        CaptureSettings pg = settings(Dialect.POSTGRESQL, Map.of());
        CaptureSettings maria = settings(Dialect.MARIADB, Map.of());
        // Real texts, as Debezium 3.5 and MariaDB 10.11 report them.
        assertThat(LogRetention.classify("DebeziumException: The connector is trying to read change stream starting at"
                + " PostgresOffsetContext [lsn=LSN{0/21CE288}], but this is no longer available on the server."
                + " Reconfigure the connector to use a snapshot mode when needed.", pg))
                .contains("replication slot accountsync_wiki is gone or no longer holds it");
        assertThat(LogRetention.classify("ERROR: replication slot \"s_b\" does not exist", pg))
                .contains("replication slot s_b is gone");
        assertThat(LogRetention.classify("io.debezium.DebeziumException: Could not find GTID state requested by slave in"
                + " any binlog files. Probably the slave state is too old and required binlog files have been purged."
                + " Error code: 1236; SQLSTATE: HY000.", maria)).contains("the binlog holding it has been purged");
        assertThat(LogRetention.classify("Could not find first log file name in binary log index file", maria))
                .contains("the binlog holding it has been purged");
        assertThat(LogRetention.classify("PSQLException: Connection to 127.0.0.1:25435 refused.", pg)).isEmpty();
        assertThat(LogRetention.classify("SQLNonTransientConnectionException: Socket fail to connect", maria)).isEmpty();
        assertThat(LogRetention.classify(null, maria)).isEmpty();
    }

    @Test
    void shouldNameTheSlotGivenAsADebeziumPassthrough() {
        CaptureSettings pg = settings(Dialect.POSTGRESQL, Map.of("slot.name", "custom_slot"));
        assertThat(LogRetention.classify("… is no longer available on the server …", pg))
                .contains("replication slot custom_slot is gone or no longer holds it");
    }

    @Test
    void shouldReadTheStoredPositionOfEachDialect() throws Exception {
        writeOffsets("{\"lsn_proc\":32179664,\"messageType\":\"UPDATE\",\"lsn_commit\":32179112,\"lsn\":32179664,"
                + "\"txId\":1362,\"ts_usec\":1795272064191389}");
        StoredOffset pg = StoredOffset.read(dir).orElseThrow();
        assertThat(pg.lsn()).isEqualTo(32179664L);
        assertThat(pg.describe(Dialect.POSTGRESQL)).isEqualTo("lsn 0/1EB05D0");
        assertThat(StoredOffset.parseLsn("0/1EB05D0")).isEqualTo(32179664L);
        assertThat(StoredOffset.lsnText(StoredOffset.parseLsn("1A/FF00FF00"))).isEqualTo("1A/FF00FF00");
        assertThat(LogRetention.storedPosition(settings(Dialect.POSTGRESQL, Map.of()))).isEqualTo("lsn 0/1EB05D0");

        writeOffsets("{\"ts_sec\":1795272064,\"file\":\"mariadb-bin.000001\",\"pos\":5855419,\"gtids\":\"0-1-627\","
                + "\"row\":1,\"server_id\":1,\"event\":8}");
        StoredOffset maria = StoredOffset.read(dir).orElseThrow();
        assertThat(maria.describe(Dialect.MARIADB)).isEqualTo("GTID 0-1-627 (binlog mariadb-bin.000001:5855419)");
    }

    @Test
    void shouldHaveNoStoredPositionBeforeTheFirstStart() throws Exception {
        assertThat(StoredOffset.read(dir)).isEmpty();
        assertThat(LogRetention.check(settings(Dialect.MARIADB, Map.of()))).isEmpty();   // asks no database
        assertThat(LogRetention.storedPosition(settings(Dialect.MARIADB, Map.of()))).isEqualTo("the stored offset");
    }

    @Test
    void shouldRefuseAnythingButAMapOfBytesInTheOffsetsFile() throws Exception {
        try (OutputStream out = Files.newOutputStream(dir.resolve(DebeziumProperties.OFFSETS_FILE));
             ObjectOutputStream oos = new ObjectOutputStream(out)) {
            oos.writeObject(new java.util.ArrayList<>(List.of("not", "offsets")));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StoredOffset.read(dir))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("is not an offsets file");
    }

    /** The way Kafka's FileOffsetBackingStore writes them: a HashMap of JSON key bytes to JSON value bytes. */
    private void writeOffsets(String valueJson) throws Exception {
        new ObjectMapper().readTree(valueJson);   // the test's JSON is well-formed
        HashMap<byte[], byte[]> raw = new HashMap<>();
        raw.put("[\"accountsync-wiki\",{\"server\":\"accountsync_wiki\"}]".getBytes(StandardCharsets.UTF_8),
                valueJson.getBytes(StandardCharsets.UTF_8));
        try (OutputStream out = Files.newOutputStream(dir.resolve(DebeziumProperties.OFFSETS_FILE));
             ObjectOutputStream oos = new ObjectOutputStream(out)) {
            oos.writeObject(raw);
        }
    }
}
