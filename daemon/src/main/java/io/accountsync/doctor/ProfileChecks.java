package io.accountsync.doctor;

import io.accountsync.model.Dialect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The profile's side: its tables exist, a generic mapping's columns exist, and the user may read
 * the captured tables and write the written ones. Pure functions over {@link TableInfo}s.
 */
final class ProfileChecks {
    static final String TABLES = "tables";
    static final String COLUMNS = "columns";
    static final String READ_PRIVILEGES = "read privileges";
    static final String WRITE_PRIVILEGES = "write privileges";

    private ProfileChecks() {
    }

    /**
     * {@code tables}, and {@code columns} for a generic mapping.
     *
     * @param tables  the existing tables among {@link EnvSpec#tables()}
     * @param grantee the user as a GRANT names it
     */
    static List<Check> schema(EnvSpec spec, Map<TableRef, TableInfo> tables, String grantee) {
        List<Check> out = new ArrayList<>();
        String env = spec.env();
        List<TableRef> missing = spec.tables().stream().filter(t -> !tables.containsKey(t)).toList();
        if (missing.isEmpty()) {
            out.add(Check.ok(env, TABLES, "present: " + join(spec.tables())));
        } else {
            String what = join(missing);
            String fix;
            if (spec.generic() != null) {
                fix = "profile.table: " + spec.generic().table() + " is not in " + schemaWord(spec) + " "
                        + missing.get(0).schema() + " of database " + spec.connection().database()
                        + ": fix profile.table / profile.schema, or create the table";
            } else {
                fix = "the " + spec.profileType() + " profile expects " + join(spec.tables())
                        + ": fix profile.schema / profile.table_prefix, or install the application's tables first";
            }
            if (spec.dialect().isMysqlFamily()) {
                fix += "\n(a table " + spec.connection().user() + " has no privilege on is invisible too: "
                        + "GRANT SELECT ON " + Sql.myIdent(missing.get(0).schema()) + ".* TO " + grantee + ";)";
            }
            out.add(Check.fail(env, TABLES, "missing: " + what, fix));
        }
        Map<String, String> mapped = spec.mappedColumns();
        if (!mapped.isEmpty() && tables.containsKey(spec.captured().get(0))) {
            TableInfo t = tables.get(spec.captured().get(0));
            Set<String> present = caseFold(spec.dialect(), t.columns());
            Map<String, String> absent = new LinkedHashMap<>();
            mapped.forEach((column, key) -> {
                if (!present.contains(fold(spec.dialect(), column))) {
                    absent.put(column, key);
                }
            });
            if (absent.isEmpty()) {
                out.add(Check.ok(env, COLUMNS, t.ref() + " has the mapped columns " + String.join(", ", mapped.keySet())));
            } else {
                String list = absent.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                        .collect(Collectors.joining(", "));
                List<String> fixes = new ArrayList<>();
                absent.forEach((column, key) -> fixes.add(key + ": " + column + " is not a column of " + t.ref()
                        + "; map an existing column or add it"));
                fixes.add("columns of " + t.ref() + ": " + String.join(", ", t.columns()));
                out.add(Check.fail(env, COLUMNS, t.ref() + " has no column " + list, String.join("\n", fixes)));
            }
        }
        return out;
    }

    /**
     * {@code read privileges} (captured tables, environments that are read) and {@code write
     * privileges} (written tables, environments that are written).
     *
     * @param tableSql how the dialect writes a table name in SQL
     * @param grantee  the user as a GRANT names it ({@code role}, {@code 'user'@'host'})
     */
    static List<Check> privileges(EnvSpec spec, Map<TableRef, TableInfo> tables,
                                  java.util.function.Function<TableRef, String> tableSql, String grantee) {
        List<Check> out = new ArrayList<>();
        String env = spec.env();
        if (spec.reads()) {
            List<String> fixes = new ArrayList<>();
            List<TableRef> ok = new ArrayList<>();
            for (TableRef ref : spec.captured()) {
                TableInfo t = tables.get(ref);
                if (t == null) {
                    continue;
                }
                if (t.canSelect()) {
                    ok.add(ref);
                } else {
                    fixes.add("GRANT SELECT ON " + tableSql.apply(ref) + " TO " + grantee + ";");
                }
            }
            if (!fixes.isEmpty()) {
                out.add(Check.fail(env, READ_PRIVILEGES, spec.connection().user() + " may not SELECT from "
                        + fixes.size() + " captured table(s)", String.join("\n", fixes)));
            } else if (!ok.isEmpty()) {
                out.add(Check.ok(env, READ_PRIVILEGES, "SELECT on " + join(ok)));
            }
        }
        if (spec.writes()) {
            List<String> fixes = new ArrayList<>();
            List<String> lacking = new ArrayList<>();
            List<TableRef> ok = new ArrayList<>();
            for (TableRef ref : spec.written()) {
                TableInfo t = tables.get(ref);
                if (t == null) {
                    continue;
                }
                List<String> privileges = new ArrayList<>();
                // SELECT too: every write reads (UPDATE … WHERE, INSERT … WHERE NOT EXISTS).
                if (!t.canSelect()) {
                    privileges.add("SELECT");
                }
                if (!t.canInsert()) {
                    privileges.add("INSERT");
                }
                if (!t.canUpdate()) {
                    privileges.add("UPDATE");
                }
                if (!privileges.isEmpty()) {
                    lacking.add(String.join(", ", privileges) + " on " + ref);
                    fixes.add("GRANT " + String.join(", ", privileges) + " ON " + tableSql.apply(ref) + " TO " + grantee + ";");
                }
                for (String seq : t.sequencesWithoutUsage()) {
                    lacking.add("USAGE on sequence " + seq);
                    fixes.add("GRANT USAGE ON SEQUENCE " + seq + " TO " + grantee + ";");
                }
                if (privileges.isEmpty() && t.sequencesWithoutUsage().isEmpty()) {
                    ok.add(ref);
                }
            }
            if (!fixes.isEmpty()) {
                out.add(Check.fail(env, WRITE_PRIVILEGES, spec.connection().user() + " lacks " + String.join("; ", lacking),
                        String.join("\n", fixes)));
            } else if (!ok.isEmpty()) {
                out.add(Check.ok(env, WRITE_PRIVILEGES, "SELECT, INSERT, UPDATE on " + join(ok)));
            }
        }
        return out;
    }

    private static String schemaWord(EnvSpec spec) {
        return spec.dialect() == Dialect.POSTGRESQL ? "schema" : "database";
    }

    private static Set<String> caseFold(Dialect dialect, List<String> columns) {
        Set<String> s = new TreeSet<>();
        columns.forEach(c -> s.add(fold(dialect, c)));
        return s;
    }

    // MariaDB/MySQL column names are case-insensitive; PostgreSQL's (quoted, as jOOQ writes them) are not.
    private static String fold(Dialect dialect, String column) {
        return dialect.isMysqlFamily() ? column.toLowerCase(Locale.ROOT) : column;
    }

    private static String join(List<TableRef> tables) {
        return tables.stream().map(TableRef::toString).collect(Collectors.joining(", "));
    }
}
