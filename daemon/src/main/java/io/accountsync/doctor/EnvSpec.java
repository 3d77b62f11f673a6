package io.accountsync.doctor;

import io.accountsync.capture.CaptureSettings;
import io.accountsync.config.EnvironmentConfig;
import io.accountsync.connect.ConnectionSettings;
import io.accountsync.model.Dialect;
import io.accountsync.pipeline.Profiles;
import io.accountsync.profile.GenericMapping;
import io.accountsync.profile.Profile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the doctor checks for one environment: derived from its configuration the way the daemon
 * derives it (the profile's tables, the slot and publication names Debezium will use).
 *
 * @param env              the environment's name
 * @param connection       how to reach it (the password prints as [hidden])
 * @param reads            whether the daemon captures from it (CDC prerequisites apply)
 * @param writes           whether the daemon writes to it (write privileges apply)
 * @param profileType      {@code generic}, {@code trac}, ...
 * @param generic          the generic mapping, or null for a built-in profile
 * @param captured         the tables capture reads
 * @param written          the tables apply writes
 * @param slotName         PostgreSQL: the replication slot; null otherwise
 * @param publicationName  PostgreSQL: the publication; null otherwise
 * @param publicationMode  PostgreSQL: Debezium's {@code publication.autocreate.mode}; null otherwise
 */
public record EnvSpec(
        String env,
        ConnectionSettings connection,
        boolean reads,
        boolean writes,
        String profileType,
        GenericMapping generic,
        List<TableRef> captured,
        List<TableRef> written,
        String slotName,
        String publicationName,
        String publicationMode) {

    /** Debezium's default; the daemon does not override it. */
    static final String DEFAULT_PUBLICATION_MODE = "filtered";

    public EnvSpec {
        captured = List.copyOf(captured);
        written = List.copyOf(written);
    }

    public static EnvSpec of(EnvironmentConfig e) {
        Profile profile = Profiles.create(e);
        List<TableRef> captured = profile.capturedTables().stream().map(TableRef::parse).toList();
        // Written tables are unqualified: they live where the profile's captured tables live.
        String schema = captured.get(0).schema();
        List<TableRef> written = profile.writtenTables().stream().map(t -> new TableRef(schema, t)).toList();
        String slot = null;
        String publication = null;
        String mode = null;
        if (e.dialect() == Dialect.POSTGRESQL) {
            // The defaults exactly as capture computes them; debezium.* passthrough wins, as in the engine.
            CaptureSettings defaults = new CaptureSettings(e.name(), e.connection(), profile.capturedTables(), Path.of("."),
                    0, null, null, null, Map.of());
            slot = e.debezium().getOrDefault("slot.name", defaults.slotName());
            publication = e.debezium().getOrDefault("publication.name", defaults.publicationName());
            mode = e.debezium().getOrDefault("publication.autocreate.mode", DEFAULT_PUBLICATION_MODE);
        }
        return new EnvSpec(e.name(), e.connection(), e.reads(), e.writes(), e.profile().type(), e.profile().generic(),
                captured, written, slot, publication, mode);
    }

    public Dialect dialect() {
        return connection.dialect();
    }

    /** Every table the profile touches, captured first, each once. */
    public List<TableRef> tables() {
        Set<TableRef> all = new LinkedHashSet<>(captured);
        all.addAll(written);
        return new ArrayList<>(all);
    }

    /**
     * The generic mapping's columns, each with the configuration key that names it (first key wins
     * when two keys name one column); empty for built-in profiles.
     */
    public Map<String, String> mappedColumns() {
        Map<String, String> columns = new LinkedHashMap<>();
        if (generic == null) {
            return columns;
        }
        columns.putIfAbsent(generic.keyColumn(), "profile.key_column");
        columns.putIfAbsent(generic.usernameColumn(), "profile.username_column");
        generic.fields().forEach((field, column) -> columns.putIfAbsent(column, "profile.fields." + field));
        if (generic.lastActivityColumn() != null) {
            columns.putIfAbsent(generic.lastActivityColumn(), "profile.last_activity_column");
        }
        return columns;
    }

    /** The table privileges accountsync needs: SELECT on captured tables, SELECT, INSERT, UPDATE on written ones. */
    public Map<TableRef, Set<String>> tablePrivileges() {
        Map<TableRef, Set<String>> out = new LinkedHashMap<>();
        if (reads) {
            captured.forEach(t -> out.computeIfAbsent(t, k -> new LinkedHashSet<>()).add("SELECT"));
        }
        if (writes) {
            written.forEach(t -> out.computeIfAbsent(t, k -> new LinkedHashSet<>())
                    .addAll(List.of("SELECT", "INSERT", "UPDATE")));
        }
        return out;
    }
}
