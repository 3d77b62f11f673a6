package io.accountsync.profile;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.noCondition;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.val;

import io.accountsync.model.AccountChange;
import io.accountsync.model.Dialect;
import io.accountsync.model.Fields;
import io.accountsync.model.Patch;
import io.accountsync.model.RowChange;
import java.text.Normalizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * The {@code generic} profile: one users table mapped column by column from configuration.
 * Usernames compare exactly (after Unicode NFC), or case-insensitively when the mapping says so.
 */
public final class GenericProfile implements Profile {
    private final GenericMapping mapping;
    private final String schema;
    private final Table<?> table;
    private final Field<String> key;
    private final Field<String> username;

    /**
     * @param defaultSchema the schema to use when the mapping names none: {@code public} on
     *                      PostgreSQL, the connection's database on MariaDB/MySQL
     */
    public GenericProfile(GenericMapping mapping, Dialect dialect, String defaultSchema) {
        this.mapping = mapping;
        this.schema = mapping.schema() != null ? mapping.schema()
                : dialect == Dialect.POSTGRESQL ? "public" : defaultSchema;
        this.table = table(org.jooq.impl.DSL.name(schema, mapping.table()));
        this.key = column(mapping.keyColumn());
        this.username = column(mapping.usernameColumn());
    }

    private static Field<String> column(String column) {
        return field(org.jooq.impl.DSL.name(column), SQLDataType.VARCHAR);
    }

    @Override
    public String name() {
        return "generic";
    }

    @Override
    public List<String> capturedTables() {
        return List.of(schema + "." + mapping.table());
    }

    @Override
    public List<String> writtenTables() {
        return List.of(mapping.table());
    }

    @Override
    public Set<String> fields() {
        return new LinkedHashSet<>(mapping.fields().keySet());
    }

    @Override
    public String normalizeUsername(String raw) {
        if (raw == null) {
            return null;
        }
        String n = Normalizer.normalize(raw.strip(), Normalizer.Form.NFC);
        return mapping.caseInsensitiveUsernames() ? n.toLowerCase(Locale.ROOT) : n;
    }

    @Override
    public List<AccountChange> normalize(RowChange change) throws BadRowException {
        if (!capturedTables().get(0).equals(change.table())) {
            return List.of();
        }
        Map<String, Object> row = change.current();
        if (row == null) {
            throw new BadRowException(where(change) + ": the change carries no row image");
        }
        Object keyValue = row.get(mapping.keyColumn());
        if (keyValue == null) {
            throw new BadRowException(where(change) + ": key column " + mapping.keyColumn() + " is NULL");
        }
        String localKey = Values.text(mapping.keyColumn(), keyValue);
        try {
            return normalize(change, row, localKey);
        } catch (BadRowException e) {
            // Every problem of a row with a key names where it was and carries the key (for retry).
            throw e.localKey() != null ? e
                    : new BadRowException(where(change) + ": " + e.getMessage() + " (key " + localKey + ")", localKey);
        }
    }

    private List<AccountChange> normalize(RowChange change, Map<String, Object> row, String localKey) throws BadRowException {
        String user = Values.text(mapping.usernameColumn(), row.get(mapping.usernameColumn()));
        if (user == null || user.isBlank()) {
            throw new BadRowException(where(change) + ": username column " + mapping.usernameColumn()
                    + " is empty for key " + localKey, localKey);
        }
        Map<String, String> after = change.after() == null ? Map.of() : values(change.after());
        Map<String, String> before = Map.of();
        if (change.before() != null) {
            try {
                before = values(change.before());
            } catch (BadRowException unreadableBefore) {
                // The row as it was cannot be read (the bad value this change repairs): take the change
                // as an insert, editing every field it carries; only its own image must be readable.
            }
        }
        Instant time = change.commitTime();
        if (change.op() == RowChange.Op.READ) {
            time = lastActivity(row).orElse(Instant.EPOCH);
        }
        AccountChange.Kind kind = change.op() == RowChange.Op.DELETE ? AccountChange.Kind.DELETE : AccountChange.Kind.UPSERT;
        return List.of(new AccountChange(change.env(), localKey, user, kind, change.op() == RowChange.Op.READ,
                before, after, time, change.position(), change.txId()));
    }

    private Optional<Instant> lastActivity(Map<String, Object> row) {
        return mapping.lastActivityColumn() == null ? Optional.empty()
                : Values.instant(row.get(mapping.lastActivityColumn()));
    }

    private Map<String, String> values(Map<String, Object> row) throws BadRowException {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, String> e : mapping.fields().entrySet()) {
            if (row.containsKey(e.getValue())) {
                Object raw = row.get(e.getValue());
                out.put(e.getKey(), e.getKey().equals(Fields.EMAIL_VERIFIED)
                        ? Values.flag(raw) : Values.text(e.getValue(), raw));
            }
        }
        return out;
    }

    /**
     * Reads the table through plain JDBC, value by value: a value the driver cannot turn into a Java
     * object (PostgreSQL {@code infinity} in a timestamptz, a MariaDB zero date) must not end the
     * whole read (jOOQ's typed reading of {@code select *} fails the record, and with it the cursor).
     * A last activity that is unreadable, before 1970 or more than a day in the future is not a
     * plausible last activity: the account is read with an unknown one (it ranks last under the
     * {@code newer} policy, as where no column is mapped) and {@link ReadSink#note} says so.
     */
    @Override
    public void readAll(DSLContext dsl, String env, ReadSink sink) throws Exception {
        String tableName = capturedTables().get(0);
        String sql = dsl.render(dsl.select().from(table));
        Instant latest = Instant.now().plus(java.time.Duration.ofDays(1));   // "the future", as of the read
        Exception[] failed = new Exception[1];
        dsl.connection(c -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(2000);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    java.sql.ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        Map<String, Object> row = new HashMap<>();
                        String unreadable = null;
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            String column = md.getColumnLabel(i);
                            try {
                                row.put(column, Values.fromJdbc(rs.getObject(i)));
                            } catch (java.sql.SQLException | RuntimeException e) {
                                row.put(column, null);
                                if (column.equals(mapping.lastActivityColumn())) {
                                    unreadable = java.util.Objects.requireNonNullElse(rawText(rs, i), "a value the driver cannot read");
                                } else if (!column.equals(mapping.keyColumn()) && !column.equals(mapping.usernameColumn())
                                        && !mapping.fields().containsValue(column)) {
                                    continue;   // a column accountsync does not use
                                } else {
                                    throw e;
                                }
                            }
                        }
                        if (unreadable == null && mapping.lastActivityColumn() != null
                                && !plausible(row.get(mapping.lastActivityColumn()), latest)) {
                            unreadable = java.util.Objects.requireNonNullElse(
                                    rawText(rs, rs.findColumn(mapping.lastActivityColumn())), "?");   // as the database prints it
                        }
                        try {
                            implausibleLastActivity(env, row, unreadable, sink);
                            for (AccountChange ch : normalize(new RowChange(env, tableName, RowChange.Op.READ, null, row,
                                    Instant.EPOCH, "full read", null))) {
                                sink.account(ch);
                            }
                        } catch (BadRowException e) {
                            sink.bad(e.getMessage(), e.localKey());
                        }
                    }
                }
            } catch (Exception e) {
                failed[0] = e;
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    /** The column's value as the database prints it, for a message (null when even that fails). */
    private static String rawText(java.sql.ResultSet rs, int column) {
        try {
            return rs.getString(column);
        } catch (java.sql.SQLException | RuntimeException e) {
            return null;
        }
    }

    /** Whether a last-activity value is empty or a point in time between 1970 and {@code latest}. */
    private static boolean plausible(Object value, Instant latest) {
        if (value == null) {
            return true;
        }
        Optional<Instant> t = Values.instant(value);
        return t.isPresent() && !t.get().isBefore(Instant.EPOCH) && !t.get().isAfter(latest);
    }

    /** Blanks a last activity that is no plausible point in time ({@code shown}: its text, or null when it is plausible), and notes it. */
    private void implausibleLastActivity(String env, Map<String, Object> row, String shown, ReadSink sink) throws Exception {
        String column = mapping.lastActivityColumn();
        if (column == null || shown == null) {
            return;
        }
        row.put(column, null);
        sink.note("env " + env + ", table " + capturedTables().get(0) + ", key " + row.get(mapping.keyColumn())
                + ": last-activity column " + column + " holds " + shown
                + ", not a plausible last activity (before 1970, in the future, or unreadable): read as unknown");
    }

    private String where(RowChange change) {
        return "env " + change.env() + ", table " + change.table() + " at " + change.position();
    }

    @Override
    public List<Query> write(DSLContext dsl, Patch patch, ColumnLimits catalog) {
        Map<Field<String>, Field<String>> sets = new java.util.LinkedHashMap<>();
        Condition differs = noCondition();
        for (Map.Entry<String, String> e : patch.values().entrySet()) {
            String column = mapping.fields().get(e.getKey());
            if (column == null || column.equals(mapping.usernameColumn())) {
                continue;
            }
            Field<String> f = column(column);
            Field<String> v = e.getKey().equals(Fields.EMAIL_VERIFIED)
                    ? flagValue(e.getValue(), catalog.limit(mapping.table(), column), f)
                    : val(e.getValue(), SQLDataType.VARCHAR);
            differs = sets.isEmpty() ? f.isDistinctFrom(v) : differs.or(f.isDistinctFrom(v));
            sets.put(f, v);
        }
        List<Query> queries = new ArrayList<>();
        Condition row = key.eq(val(patch.localKey(), SQLDataType.VARCHAR));
        if (patch.kind() == Patch.Kind.CREATE) {
            List<Field<String>> insertColumns = new ArrayList<>();
            List<Field<String>> insertValues = new ArrayList<>();
            insertColumns.add(username);
            insertValues.add(val(patch.username(), SQLDataType.VARCHAR));
            insertColumns.addAll(sets.keySet());
            insertValues.addAll(sets.values());
            row = username.eq(val(patch.username(), SQLDataType.VARCHAR));
            queries.add(dsl.insertInto(table).columns(insertColumns)
                    .select(dsl.select(insertValues).whereNotExists(selectOne().from(table).where(row))));
        }
        if (!sets.isEmpty()) {
            // Only where the target still holds what accountsync believes it holds: an edit not yet seen is
            // never overwritten (it comes through capture and is merged). For a create: a row inserted meanwhile.
            Condition holds = noCondition();
            for (Map.Entry<String, String> e : patch.expected().entrySet()) {
                String column = mapping.fields().get(e.getKey());
                if (column != null && sets.containsKey(column(column)) && !e.getKey().equals(Fields.EMAIL_VERIFIED)) {
                    holds = holds.and(column(column).isNotDistinctFrom(val(e.getValue(), SQLDataType.VARCHAR)));
                }
            }
            queries.add(dsl.update(table).set(sets).where(row).and(differs).and(holds));
        }
        return queries;
    }

    /** The canonical "true"/"false" of a verification flag in the column's own type. */
    @SuppressWarnings("unchecked")
    private static Field<String> flagValue(String canonical, ColumnLimits.Limit limit, Field<String> column) {
        boolean on = "true".equals(canonical);
        if (limit.isTimestamp()) {
            // Verified "now" when it becomes verified; a time already there is kept, so a replay
            // changes nothing. (A dry-run file therefore records the replay's time, not the run's.)
            return on ? (Field<String>) (Field<?>) org.jooq.impl.DSL.coalesce((Field<Object>) (Field<?>) column,
                    (Field<Object>) (Field<?>) org.jooq.impl.DSL.currentTimestamp())
                    : (Field<String>) (Field<?>) org.jooq.impl.DSL.inline((Object) null);
        }
        if (limit.dataType() != null && limit.dataType().equals("boolean")) {
            return (Field<String>) (Field<?>) org.jooq.impl.DSL.inline(on);
        }
        if (limit.isBooleanLike()) {
            return (Field<String>) (Field<?>) org.jooq.impl.DSL.inline(on ? 1 : 0);
        }
        return org.jooq.impl.DSL.inline(on ? "true" : "false");
    }

    @Override
    public Optional<String> rejects(String field, String value, ColumnLimits limits) {
        String column = mapping.fields().get(field);
        if (column == null) {
            return Optional.empty();
        }
        return Values.rejects(field, column, value, limits.limit(mapping.table(), column));
    }
}
