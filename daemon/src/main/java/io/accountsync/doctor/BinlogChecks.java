package io.accountsync.doctor;

import io.accountsync.model.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * MariaDB/MySQL binlog prerequisites: {@code log_bin}, {@code binlog_format = ROW},
 * {@code binlog_row_image = FULL}, GTIDs, binlog retention, the replication grants, and a warning
 * for ALL PRIVILEGES or SUPER. {@link #gather} reads the server; {@link #evaluate} judges, without a
 * database.
 */
final class BinlogChecks {
    static final String SERVER = "server";
    static final String LOG_BIN = "log_bin";
    static final String BINLOG_FORMAT = "binlog_format";
    static final String ROW_IMAGE = "binlog_row_image";
    static final String GTID = "gtid";
    static final String RETENTION = "binlog retention";
    static final String GRANTS = "grants";
    static final String LEAST_PRIVILEGE = "least privilege";
    static final String ANNOTATE = "binlog_annotate_row_events";

    /** Binlogs kept for less than this cannot cover a weekend's outage: worth a warning. */
    static final long SHORT_RETENTION_SECONDS = 24 * 3600;
    static final long SUGGESTED_RETENTION_SECONDS = 7 * 24 * 3600;

    static final List<String> VARIABLES = List.of("log_bin", "binlog_format", "binlog_row_image", "server_id",
            "gtid_mode", "enforce_gtid_consistency", "gtid_strict_mode", "gtid_domain_id", "expire_logs_days",
            "binlog_expire_logs_seconds", "binlog_annotate_row_events");

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    private BinlogChecks() {
    }

    /**
     * What the server said.
     *
     * @param version   {@code SELECT version()}
     * @param user      the user part of {@code CURRENT_USER()} (the account the server matched)
     * @param host      its host part
     * @param variables the global {@link #VARIABLES} that exist on this server, by lower-case name
     * @param grants    {@code SHOW GRANTS}
     * @param tables    the profile's existing tables
     */
    record Facts(String version, String user, String host, Map<String, String> variables, MysqlGrants grants,
                 Map<TableRef, TableInfo> tables) {

        boolean mariadb() {
            return version.toLowerCase(Locale.ROOT).contains("mariadb");
        }

        String account() {
            return Sql.myAccount(user, host);
        }

        String variable(String name) {
            return variables.get(name);
        }
    }

    static List<Check> run(Connection c, EnvSpec spec) throws SQLException {
        return evaluate(spec, gather(c, spec));
    }

    static Facts gather(Connection c, EnvSpec spec) throws SQLException {
        String version;
        String current;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT version(), CURRENT_USER()")) {
            rs.next();
            version = rs.getString(1);
            current = rs.getString(2);
        }
        int at = current.lastIndexOf('@');
        String user = at < 0 ? current : current.substring(0, at);
        String host = at < 0 ? "%" : current.substring(at + 1);
        Map<String, String> variables = new LinkedHashMap<>();
        String in = VARIABLES.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", "));
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN (" + in + ")")) {
            while (rs.next()) {
                variables.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
            }
        }
        List<String> lines = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        MysqlGrants grants = MysqlGrants.parse(lines);
        Map<TableRef, TableInfo> tables = new LinkedHashMap<>();
        for (TableRef t : spec.tables()) {
            List<String> columns = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT column_name FROM information_schema.columns"
                    + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
                ps.setString(1, t.schema());
                ps.setString(2, t.name());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        columns.add(rs.getString(1));
                    }
                }
            }
            if (!columns.isEmpty()) {
                tables.put(t, new TableInfo(t, columns, grants.allows("SELECT", t.schema(), t.name()),
                        grants.allows("INSERT", t.schema(), t.name()), grants.allows("UPDATE", t.schema(), t.name()),
                        false, null, List.of()));
            }
        }
        return new Facts(version, user, host, variables, grants, tables);
    }

    /** Every check, in report order. */
    static List<Check> evaluate(EnvSpec spec, Facts f) {
        List<Check> out = new ArrayList<>();
        String env = spec.env();
        out.add(server(spec, f));
        out.addAll(ProfileChecks.schema(spec, f.tables(), f.account()));
        if (spec.reads()) {
            out.add(logBin(env, f));
            out.add(setting(env, f, BINLOG_FORMAT, "ROW", "row-based logging: capture sees rows, not statements"));
            out.add(setting(env, f, ROW_IMAGE, "FULL", "full before- and after-images of every row"));
            out.add(gtid(env, f));
            if (f.mariadb()) {
                out.add(annotate(env, f));
            }
            out.add(retention(env, f));
            out.add(grants(spec, f));
        }
        out.addAll(ProfileChecks.privileges(spec, f.tables(), Sql::myTable, f.account()));
        out.add(leastPrivilege(spec, f));
        return out;
    }

    static Check server(EnvSpec spec, Facts f) {
        String env = spec.env();
        String name = f.mariadb() ? "MariaDB" : "MySQL";
        if (spec.dialect() == Dialect.MYSQL && f.mariadb()) {
            return Check.fail(env, SERVER, "the server is MariaDB " + f.version()
                            + " but the dialect is mysql: the MySQL connector loses events on MariaDB",
                    "environments." + env + ".dialect: mariadb");
        }
        if (spec.dialect() == Dialect.MARIADB && !f.mariadb()) {
            return Check.fail(env, SERVER, "the server is MySQL " + f.version() + " but the dialect is mariadb",
                    "environments." + env + ".dialect: mysql");
        }
        return Check.ok(env, SERVER, name + " " + f.version() + ", user " + f.user() + "@" + f.host());
    }

    static Check logBin(String env, Facts f) {
        String logBin = f.variable("log_bin");
        String serverId = f.variable("server_id");
        if (!on(logBin)) {
            return Check.fail(env, LOG_BIN, "log_bin is " + (logBin == null ? "unknown" : logBin) + ": there is no binlog to read",
                    "my.cnf [mysqld]: log-bin = mysql-bin\nmy.cnf [mysqld]: server-id = 1  (unique among the servers that replicate)\n"
                            + "then restart the server (log_bin cannot be switched on at runtime)");
        }
        if ("0".equals(serverId)) {
            return Check.fail(env, LOG_BIN, "log_bin is ON but server_id is 0: binlog clients are refused",
                    "SET GLOBAL server_id = 1;\nmy.cnf [mysqld]: server-id = 1");
        }
        return Check.ok(env, LOG_BIN, "ON (server_id " + serverId + ")");
    }

    static Check setting(String env, Facts f, String name, String wanted, String why) {
        String value = f.variable(name);
        if (value == null && name.equals(ROW_IMAGE)) {
            return Check.ok(env, name, "not settable on this server: always FULL");
        }
        if (wanted.equalsIgnoreCase(value)) {
            return Check.ok(env, name, wanted);
        }
        return Check.fail(env, name, name + " is " + value + "; capture needs " + wanted + " (" + why + ")",
                "SET GLOBAL " + name + " = '" + wanted + "';  -- new sessions only: reconnect the applications\n"
                        + "my.cnf [mysqld]: " + name + " = " + wanted + "  (keeps it after a restart)");
    }

    /**
     * MariaDB logs each statement's text with its rows when {@code binlog_annotate_row_events} is ON (the default):
     * accountsync's statements carry a tag there, which is how an echo of a write committed just before a crash is
     * still known as accountsync's own (the GTID is recorded only after COMMIT).
     */
    static Check annotate(String env, Facts f) {
        String value = f.variable("binlog_annotate_row_events");
        if (value == null || on(value)) {
            return Check.ok(env, ANNOTATE, value == null ? "not reported by this server" : "ON");
        }
        return Check.warn(env, ANNOTATE, "binlog_annotate_row_events is " + value + ": after a crash of the daemon, the"
                        + " echo of a write committed in the last moment before it is taken for an edit made in " + env,
                "SET GLOBAL binlog_annotate_row_events = ON;\nmy.cnf [mysqld]: binlog_annotate_row_events = ON");
    }

    static Check gtid(String env, Facts f) {
        if (f.mariadb()) {
            String strict = f.variable("gtid_strict_mode");
            String detail = "gtid_domain_id " + f.variable("gtid_domain_id") + ", server_id " + f.variable("server_id")
                    + ", gtid_strict_mode " + strict;
            if (!on(strict)) {
                detail += " (ON is recommended: my.cnf [mysqld] gtid_strict_mode = ON)";
            }
            return Check.ok(env, GTID, detail);
        }
        String mode = f.variable("gtid_mode");
        if ("ON".equalsIgnoreCase(mode)) {
            return Check.ok(env, GTID, "gtid_mode ON");
        }
        return Check.warn(env, GTID, "gtid_mode is " + mode + ": positions are file offsets, fragile across a failover",
                "my.cnf [mysqld]: gtid_mode = ON and enforce_gtid_consistency = ON, then restart\n"
                        + "or online: SET GLOBAL enforce_gtid_consistency = ON; SET GLOBAL gtid_mode = OFF_PERMISSIVE;"
                        + " SET GLOBAL gtid_mode = ON_PERMISSIVE; SET GLOBAL gtid_mode = ON;");
    }

    static Check retention(String env, Facts f) {
        long seconds = retentionSeconds(f);
        String setting = f.variables().containsKey("binlog_expire_logs_seconds") ? "binlog_expire_logs_seconds" : "expire_logs_days";
        if (seconds <= 0) {
            return Check.ok(env, RETENTION, "binlogs are never purged automatically (" + setting
                    + " = 0): purge them yourself, after accountsync has read them");
        }
        String kept = "binlogs are kept " + duration(seconds) + " (" + setting + ")";
        if (seconds < SHORT_RETENTION_SECONDS) {
            String value = setting.equals("expire_logs_days") ? "7" : Long.toString(SUGGESTED_RETENTION_SECONDS);
            return Check.warn(env, RETENTION, kept + ": an outage of accountsync longer than that loses changes",
                    "SET GLOBAL " + setting + " = " + value + ";\nmy.cnf [mysqld]: " + setting + " = " + value);
        }
        return Check.ok(env, RETENTION, kept + ": an outage of accountsync must end within that");
    }

    static Check grants(EnvSpec spec, Facts f) {
        String env = spec.env();
        List<String> required = requiredGlobal(spec, f);
        List<String> missing = required.stream().filter(p -> !f.grants().hasGlobal(p)).toList();
        if (missing.isEmpty()) {
            return Check.ok(env, GRANTS, f.grants().allGlobal() ? "ALL PRIVILEGES ON *.*"
                    : String.join(", ", required) + " ON *.*");
        }
        String detail = f.user() + "@" + f.host() + " lacks " + String.join(", ", missing) + " ON *.*";
        String fix = "GRANT " + String.join(", ", missing) + " ON *.* TO " + f.account() + ";";
        if (!f.grants().roles().isEmpty()) {
            // Privileges that come through roles are not inspected: say so instead of failing.
            return Check.warn(env, GRANTS, detail + " (unless its roles " + String.join(", ", f.grants().roles())
                    + " grant them: not inspected)", fix);
        }
        return Check.fail(env, GRANTS, detail, fix);
    }

    static Check leastPrivilege(EnvSpec spec, Facts f) {
        String env = spec.env();
        List<String> broad = new ArrayList<>();
        if (f.grants().allGlobal()) {
            broad.add("ALL PRIVILEGES ON *.*");
        } else if (f.grants().hasGlobal("SUPER")) {
            broad.add("SUPER");
        }
        if (broad.isEmpty()) {
            return Check.ok(env, LEAST_PRIVILEGE, "no ALL PRIVILEGES or SUPER");
        }
        if (f.grants().withGrantOption()) {
            broad.add("WITH GRANT OPTION");
        }
        List<String> fixes = new ArrayList<>();
        fixes.add("REVOKE ALL PRIVILEGES, GRANT OPTION FROM " + f.account() + ";");
        if (spec.reads()) {
            fixes.add("GRANT " + String.join(", ", requiredGlobal(spec, f)) + " ON *.* TO " + f.account() + ";");
        }
        spec.tablePrivileges().forEach((t, privileges) -> fixes.add("GRANT " + String.join(", ", privileges) + " ON "
                + Sql.myTable(t) + " TO " + f.account() + ";"));
        return Check.warn(env, LEAST_PRIVILEGE, f.user() + "@" + f.host() + " has " + String.join(", ", broad)
                + ": far more than accountsync needs", String.join("\n", fixes));
    }

    /** What the binlog reader needs on *.*, named as this server names it. */
    static List<String> requiredGlobal(EnvSpec spec, Facts f) {
        String monitor = f.mariadb() && atLeast(f.version(), 10, 5) ? "BINLOG MONITOR" : "REPLICATION CLIENT";
        return List.of("RELOAD", "SHOW DATABASES", "REPLICATION SLAVE", monitor);
    }

    static long retentionSeconds(Facts f) {
        String seconds = f.variable("binlog_expire_logs_seconds");
        if (seconds != null) {
            try {
                long s = Long.parseLong(seconds.trim());
                if (s > 0 || f.variable("expire_logs_days") == null) {
                    return s;
                }
            } catch (NumberFormatException ignored) {
                // fall back to expire_logs_days
            }
        }
        String days = f.variable("expire_logs_days");
        if (days == null) {
            return 0;
        }
        try {
            return Math.round(Double.parseDouble(days.trim()) * 86400);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static boolean atLeast(String version, int major, int minor) {
        Matcher m = VERSION.matcher(version);
        if (!m.find()) {
            return true;
        }
        int a = Integer.parseInt(m.group(1));
        int b = Integer.parseInt(m.group(2));
        return a > major || (a == major && b >= minor);
    }

    private static boolean on(String value) {
        return value != null && (value.equalsIgnoreCase("ON") || value.equals("1"));
    }

    private static String duration(long seconds) {
        if (seconds % 86400 == 0) {
            long d = seconds / 86400;
            return d + (d == 1 ? " day" : " days");
        }
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%.1f hours", seconds / 3600.0);
        }
        return seconds + " s";
    }
}
