package io.accountsync.profile;

import java.util.Map;
import java.util.Objects;

/**
 * The {@code generic} profile's mapping of one users table.
 *
 * @param schema               PostgreSQL schema, or MariaDB/MySQL database; null = the default
 *                             ({@code public}, or the connection's database)
 * @param table                the users table
 * @param keyColumn            the column that identifies a row (may equal the username column)
 * @param usernameColumn       the column holding the username
 * @param fields               canonical field name to column, in declaration order
 * @param lastActivityColumn   a timestamp column telling when the user was last active, or null
 * @param caseInsensitiveUsernames whether usernames that differ only in case are one person
 * @param passwordScheme       the hash scheme of the mapped password column (e.g. {@code bcrypt}),
 *                             or null; passwords only travel between environments of one scheme
 */
public record GenericMapping(
        String schema,
        String table,
        String keyColumn,
        String usernameColumn,
        Map<String, String> fields,
        String lastActivityColumn,
        boolean caseInsensitiveUsernames,
        String passwordScheme) {

    public GenericMapping {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(keyColumn, "keyColumn");
        Objects.requireNonNull(usernameColumn, "usernameColumn");
        fields = fields == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }
}
