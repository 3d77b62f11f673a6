package io.accountsync.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.connect.ConnectionSettings;
import io.accountsync.connect.Secret;
import io.accountsync.model.Dialect;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DebeziumPropertiesTest {

    private static final Path WORK = Path.of("/var/lib/accountsync/wiki");

    private static ConnectionSettings connection(Dialect dialect) {
        return new ConnectionSettings(dialect, "db.example.org", 5433, "wiki", "sync", Secret.of("pw"));
    }

    @Test
    void shouldConfigurePostgresWithPgoutputSlotPublicationAndFileOffsets() {
        CaptureSettings s = new CaptureSettings("Wiki-1", connection(Dialect.POSTGRESQL),
                List.of("mediawiki.user", "mediawiki.user_groups"), WORK, 0, "slot_a", "pub_a", null, Map.of());

        Properties p = DebeziumProperties.build(s);

        assertThat(p).containsEntry("connector.class", "io.debezium.connector.postgresql.PostgresConnector")
                .containsEntry("name", "accountsync-wiki_1")
                .containsEntry("topic.prefix", "accountsync_wiki_1")
                .containsEntry("database.hostname", "db.example.org").containsEntry("database.port", "5433")
                .containsEntry("database.user", "sync").containsEntry("database.password", "pw")
                .containsEntry("database.dbname", "wiki")
                .containsEntry("plugin.name", "pgoutput").containsEntry("slot.name", "slot_a")
                .containsEntry("publication.name", "pub_a").containsEntry("publication.autocreate.mode", "filtered")
                .containsEntry("table.include.list", "mediawiki\\.user,mediawiki\\.user_groups")
                .containsEntry("snapshot.mode", "initial")
                .containsEntry("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore")
                .containsEntry("offset.storage.file.filename", WORK.resolve("offsets.dat").toString())
                .containsEntry("offset.flush.interval.ms", "1000")
                .containsEntry("decimal.handling.mode", "string").containsEntry("binary.handling.mode", "bytes")
                .containsEntry("time.precision.mode", "adaptive_time_microseconds")
                .containsEntry("max.batch.size", "8192").containsEntry("max.queue.size", "32768")
                .containsEntry("poll.interval.ms", "50");
        assertThat(p).doesNotContainKeys("database.server.id", "schema.history.internal", "database.include.list");
    }

    @Test
    void shouldConfigureMariaDbWithItsOwnConnectorAndFileSchemaHistory() {
        CaptureSettings s = CaptureSettings.binlog("trac", connection(Dialect.MARIADB),
                List.of("trac.session", "trac.session_attribute", "other-db.users"), WORK, 5401);

        Properties p = DebeziumProperties.build(s);

        assertThat(p).containsEntry("connector.class", "io.debezium.connector.mariadb.MariaDbConnector")
                .containsEntry("database.server.id", "5401")
                .containsEntry("database.include.list", "trac,other\\-db")
                .containsEntry("table.include.list", "trac\\.session,trac\\.session_attribute,other\\-db\\.users")
                .containsEntry("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory")
                .containsEntry("schema.history.internal.file.filename", WORK.resolve("schema-history.dat").toString());
        assertThat(p).doesNotContainKeys("slot.name", "publication.name", "plugin.name", "database.dbname");
    }

    @Test
    void shouldUseTheMySqlConnectorOnlyForMySql() {
        CaptureSettings s = CaptureSettings.binlog("shop", connection(Dialect.MYSQL), List.of("shop.customer"), WORK, 7);

        assertThat(DebeziumProperties.build(s)).containsEntry("connector.class", "io.debezium.connector.mysql.MySqlConnector");
    }

    @Test
    void shouldApplyPassthroughLastAndUnchanged() {
        CaptureSettings s = CaptureSettings.postgres("wiki", connection(Dialect.POSTGRESQL), List.of("public.t"), WORK)
                .withDebezium(Map.of("max.batch.size", "100", "offset.flush.interval.ms", "60000",
                        "snapshot.mode", "no_data", "custom.key", "x"));

        assertThat(DebeziumProperties.build(s)).containsEntry("max.batch.size", "100")
                .containsEntry("offset.flush.interval.ms", "60000").containsEntry("snapshot.mode", "no_data")
                .containsEntry("custom.key", "x").containsEntry("max.queue.size", "32768");
    }

    @Test
    void shouldKeepTransactionMarkersOnWhateverThePassthroughSays() {
        CaptureSettings s = CaptureSettings.postgres("wiki", connection(Dialect.POSTGRESQL), List.of("public.t"), WORK)
                .withDebezium(Map.of("provide.transaction.metadata", "false"));

        assertThat(DebeziumProperties.build(s)).containsEntry("provide.transaction.metadata", "true");
    }

    @Test
    void shouldTreatSecretLookingPassthroughValuesAsSecrets() {
        CaptureSettings s = CaptureSettings.postgres("wiki", connection(Dialect.POSTGRESQL), List.of("public.t"), WORK)
                .withDebezium(Map.of("schema.history.internal.jdbc.password", "other-pw", "max.batch.size", "5"));

        assertThat(Arrays.stream(DebeziumProperties.secrets(s)).map(Secret::reveal)).containsExactlyInAnyOrder("pw", "other-pw");
        assertThat(DebeziumProperties.masked(s.debezium()))
                .containsEntry("schema.history.internal.jdbc.password", "[hidden]").containsEntry("max.batch.size", "5");
        assertThat(s.toString()).doesNotContain("other-pw").doesNotContain("pw,");
    }

    @Test
    void shouldQuoteIncludeListEntriesSoTheyMatchExactly() {
        String quoted = DebeziumProperties.exact("my-db.user$x");

        assertThat(Pattern.compile(quoted).matcher("my-db.user$x").matches()).isTrue();
        assertThat(Pattern.compile(quoted).matcher("my-dbXuser$x").matches()).isFalse();
    }
}
