package io.accountsync.profile;

import java.util.OptionalInt;

/** The storage limits of an environment's columns, read from its catalog by the apply stage. */
public interface ColumnLimits {

    /** No limits known: every value is attempted and the database decides. */
    ColumnLimits NONE = (table, column) -> new Limit(OptionalInt.empty(), true, null);

    /** The limit of {@code column} in {@code table} (table as the profile names it, unqualified). */
    Limit limit(String table, String column);

    /**
     * @param maxChars     the column's length in characters, when it has one
     * @param fourByteUtf8 whether the column can store characters outside the Basic Multilingual
     *                     Plane (false for MariaDB/MySQL utf8mb3 columns)
     * @param dataType     the column's type as information_schema names it (lower case), or null
     */
    record Limit(OptionalInt maxChars, boolean fourByteUtf8, String dataType) {

        /** Whether the column holds a boolean-like value (boolean, tinyint, bit). */
        public boolean isBooleanLike() {
            return dataType != null && (dataType.equals("boolean") || dataType.equals("tinyint") || dataType.equals("bit")
                    || dataType.equals("smallint") || dataType.equals("integer") || dataType.equals("int"));
        }

        /** Whether the column holds a point in time. */
        public boolean isTimestamp() {
            return dataType != null && (dataType.startsWith("timestamp") || dataType.equals("datetime")
                    || dataType.equals("date"));
        }
    }
}
