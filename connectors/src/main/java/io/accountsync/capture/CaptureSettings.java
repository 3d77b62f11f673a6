package io.accountsync.capture;

import io.accountsync.connect.ConnectionSettings;
import io.accountsync.model.Dialect;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What one environment's capture engine reads and where it keeps its state.
 *
 * <p>Every problem is reported at once, in one {@link IllegalArgumentException}, each naming the component.
 *
 * @param env             the environment's name (logs, thread name, Debezium topic prefix)
 * @param connection      the database to capture from; its user needs replication rights
 * @param tables          the tables to capture: {@code schema.table} (PostgreSQL) or {@code database.table}
 *                        (MariaDB/MySQL), matched exactly
 * @param workDir         where the offsets file and (MariaDB/MySQL) the schema history file live; created if missing
 * @param serverId        MariaDB/MySQL replica id, unique among the server's replicas and per env; ignored for PostgreSQL
 * @param slotName        PostgreSQL replication slot; null gives {@code accountsync_<env>}; ignored for MariaDB/MySQL
 * @param publicationName PostgreSQL publication; null gives {@code accountsync_<env>}; ignored for MariaDB/MySQL
 * @param snapshotMode    Debezium {@code snapshot.mode}; null or blank gives {@code initial}
 * @param debezium        Debezium properties passed through unchanged, applied last (they win over every default)
 */
public record CaptureSettings(
        String env,
        ConnectionSettings connection,
        List<String> tables,
        Path workDir,
        long serverId,
        String slotName,
        String publicationName,
        String snapshotMode,
        Map<String, String> debezium) {

    public static final String DEFAULT_SNAPSHOT_MODE = "initial";

    // PostgreSQL: slot names are [a-z0-9_]{1,63}; publications are identifiers, kept to the same safe set.
    private static final Pattern PG_NAME = Pattern.compile("[a-z0-9_]{1,63}");
    private static final long MAX_SERVER_ID = 4_294_967_295L;

    public CaptureSettings {
        List<String> problems = new ArrayList<>();
        if (env == null || env.isBlank()) {
            problems.add("env: required");
        }
        if (connection == null) {
            problems.add("connection: required");
        }
        if (tables == null || tables.isEmpty()) {
            problems.add("tables: at least one table is required");
        } else {
            for (int i = 0; i < tables.size(); i++) {
                String t = tables.get(i);
                if (t == null || !isQualified(t)) {
                    problems.add("tables[" + i + "]: '" + t + "' is not of the form schema.table or database.table");
                }
            }
        }
        if (workDir == null) {
            problems.add("workDir: required");
        }
        boolean pg = connection != null && connection.dialect() == Dialect.POSTGRESQL;
        boolean binlog = connection != null && connection.dialect().isMysqlFamily();
        if (binlog && (serverId <= 0 || serverId > MAX_SERVER_ID)) {
            problems.add("serverId: required for " + connection.dialect().configName()
                    + ", between 1 and " + MAX_SERVER_ID + " and unique per environment (was " + serverId + ")");
        }
        String defaultPgName = env == null ? null : "accountsync_" + identifier(env);
        slotName = blankToNull(slotName) == null ? defaultPgName : slotName;
        publicationName = blankToNull(publicationName) == null ? defaultPgName : publicationName;
        if (pg && slotName != null && !PG_NAME.matcher(slotName).matches()) {
            problems.add("slotName: '" + slotName + "' must be 1-63 characters of a-z, 0-9 and _");
        }
        if (pg && publicationName != null && !PG_NAME.matcher(publicationName).matches()) {
            problems.add("publicationName: '" + publicationName + "' must be 1-63 characters of a-z, 0-9 and _");
        }
        snapshotMode = blankToNull(snapshotMode) == null ? DEFAULT_SNAPSHOT_MODE : snapshotMode.trim();
        if (debezium != null) {
            debezium.forEach((k, v) -> {
                if (k == null || k.isBlank() || v == null) {
                    problems.add("debezium." + k + ": keys and values must not be empty or null");
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid capture settings"
                    + (env == null || env.isBlank() ? "" : " for env " + env) + ": " + String.join("; ", problems));
        }
        tables = List.copyOf(tables);
        debezium = debezium == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(debezium));
    }

    /** Settings for a PostgreSQL environment, with the default slot, publication and snapshot mode. */
    public static CaptureSettings postgres(String env, ConnectionSettings connection, List<String> tables, Path workDir) {
        return new CaptureSettings(env, connection, tables, workDir, 0, null, null, null, Map.of());
    }

    /** Settings for a MariaDB/MySQL environment, with the default snapshot mode. */
    public static CaptureSettings binlog(String env, ConnectionSettings connection, List<String> tables, Path workDir,
                                         long serverId) {
        return new CaptureSettings(env, connection, tables, workDir, serverId, null, null, null, Map.of());
    }

    /** A copy with other Debezium passthrough properties. */
    public CaptureSettings withDebezium(Map<String, String> properties) {
        return new CaptureSettings(env, connection, tables, workDir, serverId, slotName, publicationName, snapshotMode,
                properties);
    }

    /** A copy with another snapshot mode. */
    public CaptureSettings withSnapshotMode(String mode) {
        return new CaptureSettings(env, connection, tables, workDir, serverId, slotName, publicationName, mode, debezium);
    }

    /** The dialect of the captured database. */
    public Dialect dialect() {
        return connection.dialect();
    }

    /** The env name reduced to [a-z0-9_], for names that the databases or Debezium restrict. */
    static String identifier(String env) {
        String s = env.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return s.length() > 40 ? s.substring(0, 40) : s;
    }

    private static boolean isQualified(String table) {
        int dot = table.indexOf('.');
        return dot > 0 && dot < table.length() - 1 && table.strip().equals(table);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        // The connection prints its password as [hidden]; passthrough values may be secrets too.
        return "CaptureSettings[env=" + env + ", connection=" + (connection == null ? null : connection.describe())
                + ", tables=" + tables + ", workDir=" + workDir + ", serverId=" + serverId + ", slotName=" + slotName
                + ", publicationName=" + publicationName + ", snapshotMode=" + snapshotMode
                + ", debezium=" + DebeziumProperties.masked(debezium) + "]";
    }
}
