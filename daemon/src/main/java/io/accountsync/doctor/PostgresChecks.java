package io.accountsync.doctor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * PostgreSQL's logical decoding prerequisites: {@code wal_level}, the REPLICATION attribute, free
 * replication slots and WAL senders, the publication, REPLICA IDENTITY FULL, and a warning for a
 * superuser. {@link #gather} reads the catalog; {@link #evaluate} judges, without a database.
 */
final class PostgresChecks {
    static final String SERVER = "server";
    static final String WAL_LEVEL = "wal_level";
    static final String REPLICATION = "replication privilege";
    static final String SLOTS = "replication slots";
    static final String WAL_SENDERS = "wal senders";
    static final String PUBLICATION = "publication";
    static final String REPLICA_IDENTITY = "replica identity";
    static final String LEAST_PRIVILEGE = "least privilege";

    /** An inactive slot holding more WAL than this is worth a warning: nobody reads it, the disk fills. */
    static final long RETAINED_WAL_WARNING = 1L << 30;

    private PostgresChecks() {
    }

    /** A replication slot as {@code pg_replication_slots} shows it. */
    record Slot(String name, String plugin, String type, String database, boolean active, Long retainedBytes) {
    }

    /** An existing publication: FOR ALL TABLES or its tables, and whether the user owns it. */
    record Publication(boolean allTables, boolean owned, List<TableRef> tables) {
    }

    /** Everything the checks need, read in one go. */
    record Facts(
            String serverVersion,
            int serverVersionNum,
            String user,
            String database,
            boolean superuser,
            boolean replication,
            boolean canCreateInDatabase,
            String walLevel,
            int maxReplicationSlots,
            int maxWalSenders,
            int walSendersInUse,
            List<Slot> slots,
            Publication publication,
            Map<TableRef, TableInfo> tables) {
    }

    /** Runs the checks on an open connection. */
    static List<Check> run(Connection c, EnvSpec spec) throws SQLException {
        return evaluate(spec, gather(c, spec));
    }

    static Facts gather(Connection c, EnvSpec spec) throws SQLException {
        String version;
        int versionNum;
        String user;
        String database;
        boolean superuser;
        boolean replication;
        boolean canCreate;
        String walLevel;
        int maxSlots;
        int maxSenders;
        try (PreparedStatement ps = c.prepareStatement("select current_setting('server_version'),"
                + " current_setting('server_version_num')::int, current_user, current_database(),"
                + " r.rolsuper, r.rolreplication, has_database_privilege(current_database(), 'CREATE'),"
                + " current_setting('wal_level'), current_setting('max_replication_slots')::int,"
                + " current_setting('max_wal_senders')::int"
                + " from pg_roles r where r.rolname = current_user");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("pg_roles has no row for the current user");
            }
            version = rs.getString(1);
            versionNum = rs.getInt(2);
            user = rs.getString(3);
            database = rs.getString(4);
            superuser = rs.getBoolean(5);
            replication = rs.getBoolean(6);
            canCreate = rs.getBoolean(7);
            walLevel = rs.getString(8);
            maxSlots = rs.getInt(9);
            maxSenders = rs.getInt(10);
        }
        int sendersInUse;
        try (PreparedStatement ps = c.prepareStatement("select count(*) from pg_stat_replication");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            sendersInUse = rs.getInt(1);
        }
        List<Slot> slots = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select slot_name, plugin, slot_type, database, active,"
                + " case when pg_is_in_recovery() or restart_lsn is null then null"
                + " else pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint end"
                + " from pg_replication_slots order by slot_name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long retained = rs.getLong(6);
                slots.add(new Slot(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5),
                        rs.wasNull() ? null : retained));
            }
        }
        Publication publication = null;
        if (spec.publicationName() != null) {
            try (PreparedStatement ps = c.prepareStatement("select puballtables, pg_has_role(pubowner, 'USAGE')"
                    + " from pg_publication where pubname = ?")) {
                ps.setString(1, spec.publicationName());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        publication = new Publication(rs.getBoolean(1), superuser || rs.getBoolean(2), new ArrayList<>());
                    }
                }
            }
            if (publication != null) {
                try (PreparedStatement ps = c.prepareStatement(
                        "select schemaname, tablename from pg_publication_tables where pubname = ? order by 1, 2")) {
                    ps.setString(1, spec.publicationName());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            publication.tables().add(new TableRef(rs.getString(1), rs.getString(2)));
                        }
                    }
                }
            }
        }
        Map<TableRef, TableInfo> tables = new LinkedHashMap<>();
        for (TableRef t : spec.tables()) {
            TableInfo info = table(c, t, superuser);
            if (info != null) {
                tables.put(t, info);
            }
        }
        return new Facts(version, versionNum, user, database, superuser, replication, canCreate, walLevel, maxSlots,
                maxSenders, sendersInUse, slots, publication, tables);
    }

    // pg_catalog rather than information_schema: the latter hides tables the user has no privilege on.
    private static TableInfo table(Connection c, TableRef t, boolean superuser) throws SQLException {
        long oid;
        char replIdent;
        boolean owned;
        boolean select;
        boolean insert;
        boolean update;
        try (PreparedStatement ps = c.prepareStatement("select c.oid, c.relreplident, pg_has_role(c.relowner, 'USAGE'),"
                + " has_table_privilege(c.oid, 'SELECT'), has_table_privilege(c.oid, 'INSERT'),"
                + " has_table_privilege(c.oid, 'UPDATE')"
                + " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                + " where n.nspname = ? and c.relname = ? and c.relkind in ('r', 'p')")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                oid = rs.getLong(1);
                String r = rs.getString(2);
                replIdent = r == null || r.isEmpty() ? 'd' : r.charAt(0);
                owned = superuser || rs.getBoolean(3);
                select = rs.getBoolean(4);
                insert = rs.getBoolean(5);
                update = rs.getBoolean(6);
            }
        }
        List<String> columns = new ArrayList<>();
        List<String> sequences = new ArrayList<>();
        // Serial columns take their default from a sequence the inserting user must be allowed to use
        // (identity columns need no such grant).
        try (PreparedStatement ps = c.prepareStatement("select a.attname, case when a.attidentity = ''"
                + " then pg_get_serial_sequence(format('%I.%I', ?::text, ?::text), a.attname) end"
                + " from pg_attribute a where a.attrelid = ? and a.attnum > 0 and not a.attisdropped order by a.attnum")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.name());
            ps.setLong(3, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                    String seq = rs.getString(2);
                    if (seq != null) {
                        sequences.add(seq);
                    }
                }
            }
        }
        List<String> unusable = new ArrayList<>();
        for (String seq : sequences) {
            try (PreparedStatement ps = c.prepareStatement("select has_sequence_privilege(?::text, 'USAGE')")) {
                ps.setString(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && !rs.getBoolean(1)) {
                        unusable.add(seq);
                    }
                }
            }
        }
        return new TableInfo(t, columns, select, insert, update, owned, replIdent, unusable);
    }

    /** Every check, in report order. */
    static List<Check> evaluate(EnvSpec spec, Facts f) {
        String env = spec.env();
        String role = Sql.pgIdent(f.user());
        List<Check> out = new ArrayList<>();
        if (f.serverVersionNum() < 100000) {
            out.add(Check.fail(env, SERVER, "PostgreSQL " + f.serverVersion() + ": logical decoding with pgoutput needs 10 or later",
                    "upgrade the server to PostgreSQL 10 or later"));
        } else {
            out.add(Check.ok(env, SERVER, "PostgreSQL " + f.serverVersion() + ", database " + f.database() + ", role " + f.user()));
        }
        out.addAll(ProfileChecks.schema(spec, f.tables(), role));
        if (spec.reads()) {
            out.add(walLevel(env, f));
            out.add(replication(env, f, role));
            out.add(slots(spec, f));
            out.add(walSenders(spec, f));
            out.add(publication(spec, f, role));
            Check identity = replicaIdentity(spec, f);
            if (identity != null) {
                out.add(identity);
            }
        }
        out.addAll(ProfileChecks.privileges(spec, f.tables(), Sql::pgTable, role));
        out.add(leastPrivilege(spec, f, role));
        return out;
    }

    static Check walLevel(String env, Facts f) {
        if ("logical".equals(f.walLevel())) {
            return Check.ok(env, WAL_LEVEL, "logical");
        }
        return Check.fail(env, WAL_LEVEL, "wal_level is " + f.walLevel() + "; logical decoding needs logical",
                "ALTER SYSTEM SET wal_level = logical;\nthen restart PostgreSQL (wal_level takes effect at server start only)");
    }

    static Check replication(String env, Facts f, String role) {
        if (f.superuser()) {
            return Check.ok(env, REPLICATION, f.user() + " is a superuser (implies REPLICATION)");
        }
        if (f.replication()) {
            return Check.ok(env, REPLICATION, f.user() + " has REPLICATION");
        }
        return Check.fail(env, REPLICATION, f.user() + " has neither REPLICATION nor superuser: it cannot use a replication slot",
                "ALTER ROLE " + role + " REPLICATION;");
    }

    static Check slots(EnvSpec spec, Facts f) {
        String env = spec.env();
        String name = spec.slotName();
        int used = f.slots().size();
        int free = f.maxReplicationSlots() - used;
        String counts = used + " of max_replication_slots " + f.maxReplicationSlots() + " in use";
        Slot ours = f.slots().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
        if (ours != null) {
            List<String> wrong = new ArrayList<>();
            if (!"logical".equals(ours.type())) {
                wrong.add("is a " + ours.type() + " slot");
            }
            if (!"pgoutput".equals(ours.plugin())) {
                wrong.add("uses plugin " + ours.plugin() + ", not pgoutput");
            }
            if (ours.database() != null && !ours.database().equals(f.database())) {
                wrong.add("belongs to database " + ours.database());
            }
            if (!wrong.isEmpty()) {
                return Check.fail(env, SLOTS, "slot " + name + " " + String.join(" and ", wrong),
                        "drop it (if nothing else uses it): SELECT pg_drop_replication_slot(" + Sql.literal(name) + ");\n"
                                + "or name another slot: debezium.slot.name");
            }
            String state = ours.active() ? "active (being read)" : "inactive";
            String retained = ours.retainedBytes() == null ? "" : ", holds " + size(ours.retainedBytes()) + " of WAL";
            if (!ours.active() && ours.retainedBytes() != null && ours.retainedBytes() > RETAINED_WAL_WARNING) {
                return Check.warn(env, SLOTS, "slot " + name + " is " + state + retained + "; " + counts,
                        "start accountsync so it reads the slot, or, for an environment you removed:\n"
                                + "SELECT pg_drop_replication_slot(" + Sql.literal(name) + ");");
            }
            return Check.ok(env, SLOTS, "slot " + name + " exists, " + state + retained + "; " + counts);
        }
        if (free <= 0) {
            List<String> inactive = f.slots().stream().filter(s -> !s.active()).map(Slot::name).toList();
            String fix = "ALTER SYSTEM SET max_replication_slots = " + (Math.max(f.maxReplicationSlots(), used) + 4)
                    + ";\nthen restart PostgreSQL";
            if (!inactive.isEmpty()) {
                fix += "\nor drop a slot nobody uses (inactive now: " + String.join(", ", inactive) + "), e.g.:\n"
                        + "SELECT pg_drop_replication_slot(" + Sql.literal(inactive.get(0)) + ");";
            }
            return Check.fail(env, SLOTS, "no free replication slot for " + name + ": " + counts, fix);
        }
        return Check.ok(env, SLOTS, free + " free (" + counts + "); slot " + name + " is created on the first run");
    }

    static Check walSenders(EnvSpec spec, Facts f) {
        String env = spec.env();
        String counts = f.walSendersInUse() + " of max_wal_senders " + f.maxWalSenders() + " in use";
        boolean streaming = f.slots().stream().anyMatch(s -> s.name().equals(spec.slotName()) && s.active()
                && f.database().equals(s.database()));
        if (streaming) {
            return Check.ok(env, WAL_SENDERS, counts + ", one of them reads slot " + spec.slotName());
        }
        if (f.maxWalSenders() - f.walSendersInUse() <= 0) {
            return Check.fail(env, WAL_SENDERS, "no free WAL sender: " + counts,
                    "ALTER SYSTEM SET max_wal_senders = " + (Math.max(f.maxWalSenders(), f.walSendersInUse()) + 4)
                            + ";\nthen restart PostgreSQL");
        }
        return Check.ok(env, WAL_SENDERS, counts);
    }

    static Check publication(EnvSpec spec, Facts f, String role) {
        String env = spec.env();
        String name = spec.publicationName();
        String mode = spec.publicationMode();
        String pub = Sql.pgIdent(name);
        List<TableRef> wanted = spec.captured();
        String wantedSql = wanted.stream().map(Sql::pgTable).collect(Collectors.joining(", "));
        String create = "CREATE PUBLICATION " + pub + " FOR TABLE " + wantedSql + ";";
        Publication p = f.publication();
        if (p != null) {
            if (p.allTables()) {
                if ("filtered".equals(mode)) {
                    return Check.fail(env, PUBLICATION, "publication " + name
                                    + " is FOR ALL TABLES; Debezium's filtered mode refuses to use it",
                            "DROP PUBLICATION " + pub + ";  -- accountsync then creates one for its tables\n"
                                    + "or keep it and set debezium.publication.autocreate.mode: all_tables");
                }
                return Check.ok(env, PUBLICATION, name + " exists, FOR ALL TABLES");
            }
            Set<TableRef> has = new HashSet<>(p.tables());
            List<TableRef> missing = wanted.stream().filter(t -> !has.contains(t)).toList();
            boolean exact = missing.isEmpty() && has.size() == wanted.size();
            if (exact || (missing.isEmpty() && !"filtered".equals(mode))) {
                return Check.ok(env, PUBLICATION, name + " exists for " + join(p.tables()));
            }
            if ("filtered".equals(mode)) {
                // Debezium sets the publication's tables to the captured ones: that takes its owner.
                if (p.owned() && ownsAll(f, wanted)) {
                    return Check.ok(env, PUBLICATION, name + " exists for " + join(p.tables())
                            + "; accountsync sets it to " + join(wanted));
                }
                return Check.fail(env, PUBLICATION, name + " publishes " + join(p.tables()) + ", not " + join(wanted)
                                + ", and " + f.user() + " may not change it",
                        "as the publication's owner: ALTER PUBLICATION " + pub + " SET TABLE " + wantedSql + ";");
            }
            return Check.fail(env, PUBLICATION, name + " lacks " + join(missing),
                    "ALTER PUBLICATION " + pub + " ADD TABLE "
                            + missing.stream().map(Sql::pgTable).collect(Collectors.joining(", ")) + ";");
        }
        switch (mode) {
            case "disabled" -> {
                return Check.fail(env, PUBLICATION, "publication " + name
                        + " does not exist and debezium.publication.autocreate.mode is disabled", create);
            }
            case "all_tables" -> {
                if (f.superuser()) {
                    return Check.ok(env, PUBLICATION, name + " is created FOR ALL TABLES on the first run");
                }
                return Check.fail(env, PUBLICATION, name + " does not exist; FOR ALL TABLES takes a superuser to create",
                        "as a superuser: CREATE PUBLICATION " + pub + " FOR ALL TABLES;");
            }
            default -> {
                boolean owns = ownsAll(f, wanted);
                if (f.superuser() || (f.canCreateInDatabase() && owns)) {
                    return Check.ok(env, PUBLICATION, name + " does not exist yet; " + f.user()
                            + " can create it (on the first run) for " + join(wanted));
                }
                List<String> why = new ArrayList<>();
                List<String> fixes = new ArrayList<>();
                if (!f.canCreateInDatabase()) {
                    why.add("has no CREATE on database " + f.database());
                    fixes.add("GRANT CREATE ON DATABASE " + Sql.pgIdent(f.database()) + " TO " + role + ";");
                }
                if (!owns) {
                    List<TableRef> notOwned = wanted.stream()
                            .filter(t -> f.tables().containsKey(t) && !f.tables().get(t).owned()).toList();
                    why.add("does not own " + join(notOwned));
                    notOwned.forEach(t -> fixes.add("ALTER TABLE " + Sql.pgTable(t) + " OWNER TO " + role + ";"));
                }
                fixes.add("or let the tables' owner create it: " + create);
                return Check.fail(env, PUBLICATION, "publication " + name + " does not exist and " + f.user()
                        + " cannot create it: " + String.join(", ", why), String.join("\n", fixes));
            }
        }
    }

    static Check replicaIdentity(EnvSpec spec, Facts f) {
        List<String> fixes = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        List<TableRef> full = new ArrayList<>();
        for (TableRef t : spec.captured()) {
            TableInfo info = f.tables().get(t);
            if (info == null) {
                continue;
            }
            if (info.replicaIdentity() != null && info.replicaIdentity() == 'f') {
                full.add(t);
            } else {
                wrong.add(t + " (" + identityName(info.replicaIdentity()) + ")");
                fixes.add("ALTER TABLE " + Sql.pgTable(t) + " REPLICA IDENTITY FULL;");
            }
        }
        if (!wrong.isEmpty()) {
            return Check.fail(spec.env(), REPLICA_IDENTITY, "not FULL: " + String.join(", ", wrong)
                    + "; updates and deletes would lack their before-images", String.join("\n", fixes));
        }
        return full.isEmpty() ? null : Check.ok(spec.env(), REPLICA_IDENTITY, "FULL on " + join(full));
    }

    static Check leastPrivilege(EnvSpec spec, Facts f, String role) {
        if (!f.superuser()) {
            return Check.ok(spec.env(), LEAST_PRIVILEGE, f.user() + " is not a superuser");
        }
        List<String> fixes = new ArrayList<>();
        fixes.add("ALTER ROLE " + role + " NOSUPERUSER" + (spec.reads() ? " REPLICATION" : "") + ";");
        spec.tablePrivileges().forEach((t, privileges) -> fixes.add("GRANT " + String.join(", ", privileges)
                + " ON " + Sql.pgTable(t) + " TO " + role + ";"));
        if (spec.reads()) {
            fixes.add("GRANT CREATE ON DATABASE " + Sql.pgIdent(f.database()) + " TO " + role
                    + ";  -- for the publication (or create it yourself)");
        }
        return Check.warn(spec.env(), LEAST_PRIVILEGE, f.user() + " is a superuser: far more than accountsync needs",
                String.join("\n", fixes));
    }

    private static boolean ownsAll(Facts f, List<TableRef> tables) {
        return tables.stream().allMatch(t -> !f.tables().containsKey(t) || f.tables().get(t).owned());
    }

    private static String identityName(Character c) {
        if (c == null) {
            return "unknown";
        }
        return switch (c) {
            case 'd' -> "DEFAULT";
            case 'n' -> "NOTHING";
            case 'i' -> "USING INDEX";
            default -> String.valueOf(c);
        };
    }

    static String size(long bytes) {
        if (bytes < 1024 * 1024) {
            return (bytes / 1024) + " kB";
        }
        if (bytes < 1L << 30) {
            return (bytes >> 20) + " MB";
        }
        return String.format(java.util.Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
    }

    private static String join(List<TableRef> tables) {
        return tables.stream().map(TableRef::toString).collect(Collectors.joining(", "));
    }
}
