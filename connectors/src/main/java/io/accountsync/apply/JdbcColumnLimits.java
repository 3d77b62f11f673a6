package io.accountsync.apply;

import io.accountsync.model.Dialect;
import io.accountsync.profile.ColumnLimits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/** Column limits read from {@code information_schema.columns} of the environment. */
public final class JdbcColumnLimits implements ColumnLimits {
    private final Map<String, Limit> limits;

    private JdbcColumnLimits(Map<String, Limit> limits) {
        this.limits = limits;
    }

    public static JdbcColumnLimits load(Connection c, Dialect dialect, List<String> tables) throws SQLException {
        Map<String, Limit> out = new HashMap<>();
        String schemaFilter = dialect == Dialect.POSTGRESQL
                ? "table_schema = any(current_schemas(false))"
                : "table_schema = database()";
        String sql = "select table_name, column_name, character_maximum_length, character_set_name, data_type "
                + "from information_schema.columns where " + schemaFilter;
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String table = rs.getString(1);
                if (!tables.contains(table)) {
                    continue;
                }
                long max = rs.getLong(3);
                boolean sized = !rs.wasNull() && max > 0 && max < Integer.MAX_VALUE;
                String charset = rs.getString(4);
                boolean fourByte = charset == null || !charset.toLowerCase(Locale.ROOT).startsWith("utf8")
                        || charset.equalsIgnoreCase("utf8mb4");
                out.put(table + "." + rs.getString(2),
                        new Limit(sized ? OptionalInt.of((int) max) : OptionalInt.empty(), fourByte,
                                rs.getString(5) == null ? null : rs.getString(5).toLowerCase(Locale.ROOT)));
            }
        }
        return new JdbcColumnLimits(out);
    }

    @Override
    public Limit limit(String table, String column) {
        return limits.getOrDefault(table + "." + column, new Limit(OptionalInt.empty(), true, null));
    }
}
