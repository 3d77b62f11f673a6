package io.accountsync.capture;

import io.accountsync.connect.ConnectionSettings;
import io.accountsync.connect.Secret;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Builds the Debezium engine and connector configuration for one {@link CaptureSettings}. */
final class DebeziumProperties {

    static final String OFFSETS_FILE = "offsets.dat";
    static final String SCHEMA_HISTORY_FILE = "schema-history.dat";

    /** Defaults measured on this kind of machine (FACTS.md): ~25% more throughput on a backlog than Debezium's. */
    static final Map<String, String> TUNED = Map.of(
            "max.batch.size", "8192",
            "max.queue.size", "32768",
            "poll.interval.ms", "50");

    /**
     * After a database restart, reconnect within seconds rather than Debezium's defaults: a task restart waits 10 s
     * after a retriable error, and a binlog client notices a lost connection at its keep-alive check, once a minute
     * (DbFaultsIT measured 51 s of capture lag after a MariaDB restart with that). The binlog client asks the server
     * for a heartbeat every 0.8 keep-alive intervals, so 5 s costs one small packet every 4 s.
     */
    static final String RESTART_WAIT_MS = "3000";
    static final String HEARTBEAT_MS = "1000";
    static final String BINLOG_KEEP_ALIVE_MS = "5000";

    /** Passthrough keys whose values are treated as secrets (masked in messages and toString). */
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|secret|token|credential|passphrase).*");

    private DebeziumProperties() {
    }

    static Properties build(CaptureSettings s) {
        Map<String, String> p = new LinkedHashMap<>();
        ConnectionSettings c = s.connection();
        String id = CaptureSettings.identifier(s.env());

        // Engine: the name keys the offsets in the offsets file.
        p.put("name", "accountsync-" + id);
        p.put("connector.class", connectorClass(s));
        p.put("topic.prefix", topicPrefix(s.env()));
        p.put("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        p.put("offset.storage.file.filename", s.workDir().resolve(OFFSETS_FILE).toAbsolutePath().toString());
        p.put("offset.flush.interval.ms", "1000");

        // Connection.
        p.put("database.hostname", c.host());
        p.put("database.port", Integer.toString(c.port()));
        p.put("database.user", c.user());
        p.put("database.password", c.password().reveal());

        // What to read, and the value representation RowChangeConverter expects.
        p.put("snapshot.mode", s.snapshotMode());
        p.put("table.include.list", s.tables().stream().map(DebeziumProperties::exact).collect(Collectors.joining(",")));
        p.put("decimal.handling.mode", "string");
        p.put("binary.handling.mode", "bytes");
        // Timestamps keep their precision (micro/nano types); TIME is always microseconds, whatever its precision.
        p.put("time.precision.mode", "adaptive_time_microseconds");
        p.put("tombstones.on.delete", "false");
        // Heartbeats carry the source position forward while the captured tables are quiet, so the slot
        // (PostgreSQL) releases WAL and a restart does not rescan old binlog. They also write the first
        // offsets: a PostgreSQL capture writes none until a record is processed, and a daemon killed
        // before that starts the environment again without offsets, with a full catch-up read (measured:
        // an idle environment had its first offsets 10.4 s after its capture started with 10 s, and the
        // crash suite once killed the daemon inside that window). Once a second costs one small record.
        p.put("heartbeat.interval.ms", HEARTBEAT_MS);
        p.put("retriable.restart.connector.wait.ms", RESTART_WAIT_MS);
        p.putAll(TUNED);

        switch (c.dialect()) {
            case POSTGRESQL -> {
                p.put("database.dbname", c.database());
                p.put("plugin.name", "pgoutput");
                p.put("slot.name", s.slotName());
                p.put("publication.name", s.publicationName());
                p.put("publication.autocreate.mode", "filtered");
            }
            case MARIADB, MYSQL -> {
                Set<String> databases = new LinkedHashSet<>();
                for (String t : s.tables()) {
                    databases.add(t.substring(0, t.indexOf('.')));
                }
                p.put("database.include.list", databases.stream().map(DebeziumProperties::exact)
                        .collect(Collectors.joining(",")));
                p.put("database.server.id", Long.toString(s.serverId()));
                p.put("connect.keep.alive.interval.ms", BINLOG_KEEP_ALIVE_MS);
                p.put("include.schema.changes", "false");
                // The statement text MariaDB logs with each row event (binlog_annotate_row_events): accountsync's
                // own statements carry a tag, so their echoes are known even after a crash (TransactionIds).
                p.put("include.query", "true");
                p.put("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
                p.put("schema.history.internal.file.filename",
                        s.workDir().resolve(SCHEMA_HISTORY_FILE).toAbsolutePath().toString());
            }
        }
        p.putAll(s.debezium());
        // BEGIN/END markers: the capture holds a transaction's rows until its END (WholeTransactions). Set after the
        // passthrough: without them a transaction split between two polls would be merged as two changes.
        p.put("provide.transaction.metadata", "true");

        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    /** The connector's logical name, which also names its metrics. */
    static String topicPrefix(String env) {
        return "accountsync_" + CaptureSettings.identifier(env);
    }

    /** The PostgreSQL replication slot the engine uses: a {@code debezium.slot.name} passthrough wins. */
    static String slotName(CaptureSettings s) {
        return s.debezium().getOrDefault("slot.name", s.slotName());
    }

    /** The Debezium connector for the dialect. Never the MySQL connector on MariaDB: it loses events there. */
    static String connectorClass(CaptureSettings s) {
        return switch (s.dialect()) {
            case POSTGRESQL -> "io.debezium.connector.postgresql.PostgresConnector";
            case MARIADB -> "io.debezium.connector.mariadb.MariaDbConnector";
            case MYSQL -> "io.debezium.connector.mysql.MySqlConnector";
        };
    }

    /** Every secret the configuration carries: the database password and secret-looking passthrough values. */
    static Secret[] secrets(CaptureSettings s) {
        List<Secret> secrets = new ArrayList<>();
        secrets.add(s.connection().password());
        s.debezium().forEach((k, v) -> {
            if (SECRET_KEY.matcher(k).matches()) {
                secrets.add(Secret.of(v));
            }
        });
        return secrets.toArray(Secret[]::new);
    }

    /** The map with secret-looking values replaced by [hidden]. */
    static Map<String, String> masked(Map<String, String> properties) {
        Map<String, String> m = new LinkedHashMap<>();
        properties.forEach((k, v) -> m.put(k, k != null && SECRET_KEY.matcher(k).matches() ? Secret.HIDDEN : v));
        return m;
    }

    /** A Debezium include-list entry (a regular expression, matched whole) that matches exactly this name. */
    static String exact(String name) {
        StringBuilder b = new StringBuilder(name.length() + 4);
        for (char ch : name.toCharArray()) {
            if (!Character.isLetterOrDigit(ch) && ch != '_') {
                b.append('\\');
            }
            b.append(ch);
        }
        return b.toString();
    }
}
