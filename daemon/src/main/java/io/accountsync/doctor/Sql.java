package io.accountsync.doctor;

import io.accountsync.connect.Secret;
import java.util.Set;
import java.util.regex.Pattern;

/** Quoting for the SQL in fix hints, and secret-free one-line error messages. */
final class Sql {
    private static final Pattern PG_PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");
    // PostgreSQL's reserved key words (also those allowed as function or type names): they need quotes.
    private static final Set<String> PG_RESERVED = Set.of("all", "analyse", "analyze", "and", "any", "array", "as",
            "asc", "asymmetric", "authorization", "binary", "both", "case", "cast", "check", "collate", "collation",
            "column", "concurrently", "constraint", "create", "cross", "current_catalog", "current_date",
            "current_role", "current_schema", "current_time", "current_timestamp", "current_user", "default",
            "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign",
            "freeze", "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner", "intersect",
            "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime",
            "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order", "outer",
            "overlaps", "placing", "primary", "references", "returning", "right", "select", "session_user",
            "similar", "some", "symmetric", "table", "tablesample", "then", "to", "trailing", "true", "union",
            "unique", "user", "using", "variadic", "verbose", "when", "where", "window", "with");
    private static final Pattern CONN_PREFIX = Pattern.compile("^\\(conn=\\d+\\)\\s*");
    static final int MAX_MESSAGE = 300;

    private Sql() {
    }

    /** A PostgreSQL identifier as {@code quote_ident} writes it: bare when it can be, else double-quoted. */
    static String pgIdent(String name) {
        if (PG_PLAIN.matcher(name).matches() && !PG_RESERVED.contains(name)) {
            return name;
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code schema.table} for PostgreSQL. */
    static String pgTable(TableRef t) {
        return pgIdent(t.schema()) + "." + pgIdent(t.name());
    }

    /** A MariaDB/MySQL identifier in backticks. */
    static String myIdent(String name) {
        return '`' + name.replace("`", "``") + '`';
    }

    /** {@code `db`.`table`} for MariaDB/MySQL. */
    static String myTable(TableRef t) {
        return myIdent(t.schema()) + "." + myIdent(t.name());
    }

    /** A MariaDB/MySQL account: {@code 'user'@'host'}. */
    static String myAccount(String user, String host) {
        return "'" + user.replace("'", "''") + "'@'" + host.replace("'", "''") + "'";
    }

    /** A string literal (both dialects). */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /**
     * One line for a report: the error's own message (the driver's, not a cause chain), with the
     * password replaced by [hidden], the MariaDB connection prefix dropped, white space collapsed.
     */
    static String message(Throwable error, Secret password) {
        String m = error.getMessage();
        if (m == null || m.isBlank()) {
            m = error.getClass().getSimpleName();
        }
        if (password != null && !password.isEmpty()) {
            m = m.replace(password.reveal(), Secret.HIDDEN);
        }
        m = CONN_PREFIX.matcher(m.strip()).replaceFirst("").replaceAll("\\s+", " ");
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "…" : m;
    }
}
