package io.accountsync.doctor;

import java.util.Objects;

/**
 * A table as a profile names it.
 *
 * @param schema PostgreSQL schema, or MariaDB/MySQL database
 * @param name   the table's name
 */
public record TableRef(String schema, String name) {

    public TableRef {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
    }

    /** {@code schema.table} as {@link io.accountsync.profile.Profile#capturedTables()} gives it. */
    public static TableRef parse(String qualified) {
        int dot = qualified.indexOf('.');
        if (dot <= 0 || dot == qualified.length() - 1) {
            throw new IllegalArgumentException("not schema.table: " + qualified);
        }
        return new TableRef(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}
