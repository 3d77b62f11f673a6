package io.accountsync.profile;

import java.util.OptionalInt;

/** The storage limits of an environment's columns, read from its catalog by the apply stage. */
public interface ColumnLimits {

    /** No limits known: every value is attempted and the database decides. */
    ColumnLimits NONE = (table, column) -> new Limit(OptionalInt.empty(), true);

    /** The limit of {@code column} in {@code table} (table as the profile names it, unqualified). */
    Limit limit(String table, String column);

    /**
     * @param maxChars     the column's length in characters, when it has one
     * @param fourByteUtf8 whether the column can store characters outside the Basic Multilingual
     *                     Plane (false for MariaDB/MySQL utf8mb3 columns)
     */
    record Limit(OptionalInt maxChars, boolean fourByteUtf8) {
    }
}
