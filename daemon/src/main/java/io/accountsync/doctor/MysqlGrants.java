package io.accountsync.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The privileges {@code SHOW GRANTS} lists for the current user, by level: global ({@code *.*}),
 * database (a name or a {@code LIKE} pattern) and table. Column privileges do not count. Lines are
 * only parsed, never shown: MariaDB prints the password hash in them.
 */
final class MysqlGrants {
    static final String ALL = "ALL PRIVILEGES";
    // MariaDB 10.5 renamed REPLICATION CLIENT to BINLOG MONITOR and keeps the old name as an alias.
    private static final Map<String, String> ALIASES = Map.of("REPLICATION CLIENT", "BINLOG MONITOR",
            "ALL", ALL, "SLAVE MONITOR", "REPLICA MONITOR");

    private final Set<String> global = new LinkedHashSet<>();
    private final Map<String, Set<String>> databases = new LinkedHashMap<>();
    private final Map<TableRef, Set<String>> tables = new LinkedHashMap<>();
    private final List<String> roles = new ArrayList<>();
    private boolean grantOption;

    private MysqlGrants() {
    }

    /** Parses {@code SHOW GRANTS} output; lines it does not understand (PROXY, routines) are skipped. */
    static MysqlGrants parse(List<String> lines) {
        MysqlGrants g = new MysqlGrants();
        for (String line : lines) {
            g.add(line.strip());
        }
        return g;
    }

    /** The privilege on {@code *.*} (ALL PRIVILEGES implies every one). */
    boolean hasGlobal(String privilege) {
        return holds(global, privilege);
    }

    /** Whether {@code privilege} applies to the table, at any level. */
    boolean allows(String privilege, String database, String table) {
        if (hasGlobal(privilege)) {
            return true;
        }
        for (Map.Entry<String, Set<String>> e : databases.entrySet()) {
            if (matchesDatabase(e.getKey(), database) && holds(e.getValue(), privilege)) {
                return true;
            }
        }
        Set<String> t = tables.get(new TableRef(database, table));
        return t != null && holds(t, privilege);
    }

    /** ALL PRIVILEGES ON *.*. */
    boolean allGlobal() {
        return global.contains(ALL);
    }

    boolean withGrantOption() {
        return grantOption;
    }

    /** Roles granted to the user (their privileges are not inspected). */
    List<String> roles() {
        return roles;
    }

    /** The privileges held on {@code *.*}, as listed. */
    Set<String> global() {
        return global;
    }

    private static boolean holds(Set<String> privileges, String privilege) {
        String p = normalize(privilege);
        return privileges.contains(ALL) || privileges.contains(p);
    }

    private void add(String line) {
        String upper = line.toUpperCase(Locale.ROOT);
        if (!upper.startsWith("GRANT ")) {
            return;
        }
        String rest = line.substring("GRANT ".length());
        int on = topLevel(rest, " ON ");
        int to = topLevel(rest, " TO ");
        if (to < 0) {
            return;
        }
        if (on < 0 || on > to) {
            // GRANT `role` TO `user`@`host`
            for (String r : splitTopLevel(rest.substring(0, to))) {
                roles.add(r.strip());
            }
            return;
        }
        if (upper.contains(" WITH GRANT OPTION")) {
            grantOption = true;
        }
        String object = rest.substring(on + " ON ".length(), to).strip();
        String objectUpper = object.toUpperCase(Locale.ROOT);
        if (objectUpper.startsWith("FUNCTION ") || objectUpper.startsWith("PROCEDURE ")
                || objectUpper.startsWith("PACKAGE ")) {
            return;
        }
        if (objectUpper.startsWith("TABLE ")) {
            object = object.substring("TABLE ".length()).strip();
        }
        Set<String> privileges = new LinkedHashSet<>();
        for (String p : splitTopLevel(rest.substring(0, on))) {
            String priv = p.strip();
            if (priv.contains("(")) {
                continue; // column privilege: not enough for table-wide statements
            }
            String n = normalize(priv);
            if (n.equals("PROXY") || n.equals("USAGE")) {
                continue;
            }
            privileges.add(n);
        }
        List<String> parts = identifiers(object);
        if (parts.size() == 2 && parts.get(0).equals("*") && parts.get(1).equals("*")) {
            global.addAll(privileges);
        } else if (parts.size() == 2 && parts.get(1).equals("*")) {
            databases.computeIfAbsent(parts.get(0), k -> new LinkedHashSet<>()).addAll(privileges);
        } else if (parts.size() == 2) {
            tables.computeIfAbsent(new TableRef(parts.get(0), parts.get(1)), k -> new LinkedHashSet<>()).addAll(privileges);
        }
    }

    static String normalize(String privilege) {
        String p = privilege.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
        return ALIASES.getOrDefault(p, p);
    }

    /** {@code `db`.`t`}, {@code db.*}, {@code *.*} → its parts, unquoted. */
    private static List<String> identifiers(String object) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < object.length(); i++) {
            char ch = object.charAt(i);
            if (ch == '`') {
                if (quoted && i + 1 < object.length() && object.charAt(i + 1) == '`') {
                    cur.append('`');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (ch == '.' && !quoted) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        parts.add(cur.toString());
        return parts;
    }

    /** A database-level grant names a database or a LIKE pattern ({@code _}, {@code %}, {@code \} escapes). */
    static boolean matchesDatabase(String pattern, String database) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            if (ch == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (ch == '%') {
                regex.append(".*");
            } else if (ch == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(database).matches();
    }

    /** Index of {@code token} outside backticks, quotes and parentheses, or -1. */
    private static int topLevel(String s, String token) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                }
                continue;
            }
            if (ch == '`' || ch == '\'' || ch == '"') {
                quote = ch;
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (depth == 0 && s.regionMatches(true, i, token, 0, token.length())) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                }
                continue;
            }
            if (ch == '`' || ch == '\'' || ch == '"') {
                quote = ch;
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }
}
