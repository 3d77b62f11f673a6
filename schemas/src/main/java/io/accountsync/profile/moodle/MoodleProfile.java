package io.accountsync.profile.moodle;

import static org.jooq.impl.DSL.charLength;
import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.concat;
import static org.jooq.impl.DSL.falseCondition;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.greatest;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.lower;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.md5;
import org.jooq.impl.DSL;
import static org.jooq.impl.DSL.noCondition;
import static org.jooq.impl.DSL.or;
import static org.jooq.impl.DSL.regexpReplaceAll;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.substring;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.trim;
import static org.jooq.impl.DSL.val;
import static org.jooq.impl.DSL.when;

import io.accountsync.model.AccountChange;
import io.accountsync.model.Dialect;
import io.accountsync.model.Fields;
import io.accountsync.model.Patch;
import io.accountsync.model.RowChange;
import io.accountsync.profile.AppSettings;
import io.accountsync.profile.BadRowException;
import io.accountsync.profile.BuiltinProfiles;
import io.accountsync.profile.ColumnLimits;
import io.accountsync.profile.Profile;
import io.accountsync.profile.Values;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * The {@code moodle} profile: one Moodle site's accounts in {@code <prefix>user} (APP-SCHEMAS.md §3).
 *
 * <p><b>Which rows.</b> A row is an account of this site when {@code mnethostid} is the configured
 * one (MNet users of other hosts live in the same table), {@code deleted = 0}, and it is not the
 * site's {@code guest} account (a system account Moodle never deletes, not a person). Moodle never
 * removes a row: {@code delete_user()} sets {@code deleted = 1} and rewrites the username, so an
 * update that makes a row leave that set is a {@link AccountChange.Kind#DELETE}. The local key is
 * {@code id}; usernames are lower case (Moodle refuses others); last activity is
 * {@code timemodified} (Unix seconds).
 *
 * <p><b>Fields.</b> display_name ({@code firstname + " " + lastname}, trimmed), given_name and
 * family_name from {@code firstname} / {@code lastname}. Written, a display name is split at its
 * first whitespace: the first word is the first name, the rest the last name ("Ana María García" →
 * "Ana" / "María García"), a single word has the last name "" (so that it reads back unchanged);
 * given and family names, when the patch carries them, win (the full rule: {@link MoodleNames});
 * email; email_verified ⇄ {@code confirmed}; status ⇄ {@code suspended} ("active" 0, "suspended"
 * 1; an account leaving is "deleted"); password ⇄ {@code password}, the hash as stored (an empty
 * value or {@code 'not cached'}, which external authentication plugins store, is no password).
 * An update that changes none of these nor the username (Moodle bumps {@code lastaccess},
 * {@code currentlogin} and {@code lastip} on every login) is no account change.
 *
 * <p><b>Writes</b> are idempotent and carry Moodle's own semantics:
 * <ul>
 * <li>an update sets the changed columns where a value differs (compared byte for byte: MariaDB's
 *     {@code _ci} collations would call "tom" and "Tom" equal) and, in the same statement,
 *     {@code timemodified} = now when a name, the email or the suspension changes, as
 *     {@code user_update_user()} does only on an actual change; {@code confirmed} and the password
 *     are plain column updates without the bump, as Moodle's {@code set_field()} makes them;</li>
 * <li>a create inserts, if no account of this site has the username, a manual account with the
 *     defaults of {@code user_create_user()} and {@code install.xml};</li>
 * <li>a delete is {@code delete_user()}: dependent rows go, the row stays with {@code deleted = 1}
 *     and the rewritten username, email, idnumber, picture and {@code timemodified}.</li>
 * </ul>
 * A status of "deleted" is never written by an update or a create: only a delete patch deletes.
 */
public final class MoodleProfile implements Profile {

    /** Moodle's guest account, one per site: never read, never written. */
    static final String GUEST = "guest";
    /** What authentication plugins that keep no local password store in {@code password}. */
    static final String NOT_CACHED = "not cached";

    static final String ACTIVE = "active";
    static final String SUSPENDED = "suspended";
    static final String DELETED = "deleted";

    /**
     * The tables {@code delete_user()} empties of the user's rows by {@code userid} (its others —
     * password history, tokens, private keys, my_pages, events — hold nothing accountsync syncs).
     */
    static final List<String> DEPENDENT_TABLES = List.of("cohort_members", "groups_members", "user_enrolments",
            "user_preferences", "user_info_data", "user_lastaccess");

    /** Column lengths from install.xml, for when the catalog is not known. */
    private static final int NAME_CHARS = 100;
    private static final int EMAIL_CHARS = 100;
    private static final int USERNAME_CHARS = 100;
    private static final int PASSWORD_CHARS = 255;
    /** delete_user(): "<email>.<10-digit time>" within 100 characters. */
    private static final int DELETED_NAME_HEAD = USERNAME_CHARS - 1 - 10;

    private static final Field<Long> ID = longColumn("id");
    private static final Field<String> AUTH = text("auth");
    private static final Field<Integer> CONFIRMED = intColumn("confirmed");
    private static final Field<Integer> POLICYAGREED = intColumn("policyagreed");
    private static final Field<Integer> DELETED_FLAG = intColumn("deleted");
    private static final Field<Integer> SUSPENDED_FLAG = intColumn("suspended");
    private static final Field<Long> MNETHOSTID = longColumn("mnethostid");
    private static final Field<String> USERNAME = text("username");
    private static final Field<String> PASSWORD = text("password");
    private static final Field<String> IDNUMBER = text("idnumber");
    private static final Field<String> FIRSTNAME = text("firstname");
    private static final Field<String> LASTNAME = text("lastname");
    private static final Field<String> EMAIL = text("email");
    private static final Field<Long> PICTURE = longColumn("picture");
    private static final Field<Long> TIMEMODIFIED = longColumn("timemodified");

    private final Dialect dialect;
    private final String schema;
    private final String userTable;
    private final String prefix;
    private final long mnetHostId;
    private final String passwordScheme;
    private final Clock clock;
    private final Table<?> user;

    /**
     * @param settings the site's settings: schema (default {@code public} on PostgreSQL, the
     *                 connection's database on MariaDB/MySQL), table prefix (default {@code mdl_}),
     *                 {@code mnethostid} of local accounts, password scheme (default {@code moodle})
     * @param dialect  the database family
     * @param database the connection's database (the default schema on MariaDB/MySQL)
     */
    public MoodleProfile(AppSettings settings, Dialect dialect, String database) {
        this(settings, dialect, database, Clock.systemUTC());
    }

    /** As {@link #MoodleProfile(AppSettings, Dialect, String)}, with the clock that dates writes. */
    public MoodleProfile(AppSettings settings, Dialect dialect, String database, Clock clock) {
        AppSettings s = settings == null ? AppSettings.DEFAULTS : settings;
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.schema = s.schema() != null ? s.schema() : dialect == Dialect.POSTGRESQL ? "public" : database;
        this.prefix = s.tablePrefix() != null ? s.tablePrefix() : BuiltinProfiles.defaultTablePrefix(BuiltinProfiles.MOODLE);
        this.userTable = prefix + "user";
        this.mnetHostId = s.mnetHostId();
        this.passwordScheme = s.passwordScheme() != null ? s.passwordScheme()
                : BuiltinProfiles.defaultPasswordScheme(BuiltinProfiles.MOODLE);
        this.user = table(DSL.name(schema, userTable));
    }

    @Override
    public String name() {
        return BuiltinProfiles.MOODLE;
    }

    /** The scheme of the hashes in {@code password}; hashes only travel between equal schemes. */
    public String passwordScheme() {
        return passwordScheme;
    }

    @Override
    public List<String> capturedTables() {
        return List.of(schema + "." + userTable);
    }

    @Override
    public List<String> writtenTables() {
        return List.of(userTable);
    }

    @Override
    public Set<String> fields() {
        return BuiltinProfiles.fields(BuiltinProfiles.MOODLE);
    }

    /** Moodle keeps usernames in lower case ({@code core_text::strtolower}), without surrounding spaces. */
    @Override
    public String normalizeUsername(String raw) {
        return raw == null ? null : raw.strip().toLowerCase(Locale.ROOT);
    }

    // ------------------------------------------------------------------------------------ reading

    @Override
    public List<AccountChange> normalize(RowChange change) throws BadRowException {
        if (!capturedTables().get(0).equals(change.table())) {
            return List.of();
        }
        Map<String, Object> before = change.before();
        Map<String, Object> after = change.after();
        boolean was = isAccount(before);
        boolean is = isAccount(after);
        if (is) {
            String key = localKey(change, after);
            String username = username(change, after, key);
            Map<String, String> now = keyed(change, key, after);
            Map<String, String> then = Map.of();
            if (was) {
                try {
                    then = keyed(change, key, before);
                } catch (BadRowException unreadableBefore) {
                    // The row as it was cannot be read (the bad value this change repairs): take the
                    // change as an insert, editing every field it carries.
                }
            }
            if (was && then.equals(now) && username.equals(Values.text("username", before.get("username")))) {
                return List.of(); // a login, a picture, a preference column: nothing accountsync keeps
            }
            boolean read = change.op() == RowChange.Op.READ;
            Instant time = read ? Values.instant(after.get("timemodified")).orElse(Instant.EPOCH) : change.commitTime();
            return List.of(new AccountChange(change.env(), key, username, AccountChange.Kind.UPSERT, read, then, now,
                    time, change.position(), change.txId()));
        }
        Map<String, Object> gone = null;
        if (was) {
            gone = before; // deleted = 1 now, another host, or (never done by Moodle) the row removed
        } else if (before == null && change.op() == RowChange.Op.UPDATE && after != null && isLocal(after)
                && flagOn(after.get("deleted"))) {
            // No before image (PostgreSQL without REPLICA IDENTITY FULL): the update of a deleted row is
            // taken as its deletion; the username is the rewritten one, the local key still names it.
            gone = after;
        }
        if (gone == null) {
            return List.of();
        }
        String key = localKey(change, gone);
        return List.of(new AccountChange(change.env(), key, username(change, gone, key), AccountChange.Kind.DELETE,
                false, was ? values(before) : Map.of(), Map.of(Fields.STATUS, DELETED), change.commitTime(),
                change.position(), change.txId()));
    }

    @Override
    public void readAll(DSLContext dsl, String env, ReadSink sink) throws Exception {
        String tableName = capturedTables().get(0);
        try (Cursor<Record> cursor = dsl.select().from(user)
                .where(MNETHOSTID.eq(inline(mnetHostId))).and(DELETED_FLAG.eq(inline(0))).and(USERNAME.ne(inline(GUEST)))
                .orderBy(ID).fetchSize(2000).fetchLazy()) {
            for (Record r : cursor) {
                Map<String, Object> row = new HashMap<>();
                for (Field<?> f : r.fields()) {
                    row.put(f.getName(), Values.fromJdbc(r.get(f)));
                }
                try {
                    for (AccountChange c : normalize(new RowChange(env, tableName, RowChange.Op.READ, null, row,
                            Instant.EPOCH, "full read", null))) {
                        sink.account(c);
                    }
                } catch (BadRowException e) {
                    sink.bad(e.getMessage(), e.localKey());
                }
            }
        }
    }

    /** This site's own account row: not another MNet host's, not deleted, not the guest. */
    private boolean isAccount(Map<String, Object> row) {
        return row != null && isLocal(row) && row.containsKey("deleted") && !flagOn(row.get("deleted"))
                && !GUEST.equals(row.get("username"));
    }

    private boolean isLocal(Map<String, Object> row) {
        return row.get("mnethostid") instanceof Number n && n.longValue() == mnetHostId;
    }

    private static String localKey(RowChange change, Map<String, Object> row) throws BadRowException {
        Object id = row.get("id");
        if (id == null) {
            throw new BadRowException(where(change) + ": id is NULL");
        }
        return Values.text("id", id);
    }

    private static String username(RowChange change, Map<String, Object> row, String key) throws BadRowException {
        String username = Values.text("username", row.get("username"));
        if (username == null || username.isBlank()) {
            throw new BadRowException(where(change) + ": username is empty for id " + key, key);
        }
        return username;
    }

    /** {@link #values} of a row whose key is known: a problem names where it was and carries the key. */
    private static Map<String, String> keyed(RowChange change, String key, Map<String, Object> row) throws BadRowException {
        try {
            return values(row);
        } catch (BadRowException e) {
            throw new BadRowException(where(change) + ": " + e.getMessage() + " (id " + key + ")", key);
        }
    }

    private static String where(RowChange change) {
        return "env " + change.env() + ", table " + change.table() + " at " + change.position();
    }

    /** The canonical values of the columns the row image carries. */
    private static Map<String, String> values(Map<String, Object> row) throws BadRowException {
        Map<String, String> out = new HashMap<>();
        if (row.containsKey("firstname") && row.containsKey("lastname")) {
            String first = nz(Values.text("firstname", row.get("firstname")));
            String last = nz(Values.text("lastname", row.get("lastname")));
            out.put(Fields.DISPLAY_NAME, MoodleNames.join(first, last));
            out.put(Fields.GIVEN_NAME, first);
            out.put(Fields.FAMILY_NAME, last);
        }
        if (row.containsKey("email")) {
            out.put(Fields.EMAIL, nz(Values.text("email", row.get("email"))));
        }
        if (row.containsKey("confirmed")) {
            out.put(Fields.EMAIL_VERIFIED, Values.flag(row.get("confirmed")));
        }
        if (row.containsKey("suspended")) {
            out.put(Fields.STATUS, flagOn(row.get("suspended")) ? SUSPENDED : ACTIVE);
        }
        if (row.containsKey("password")) {
            out.put(Fields.PASSWORD, hash(Values.text("password", row.get("password"))));
        }
        return out;
    }

    /** A stored password hash, or null for "no local password". */
    private static String hash(String stored) {
        return stored == null || stored.isEmpty() || stored.equals(NOT_CACHED) ? null : stored;
    }

    private static boolean flagOn(Object value) {
        return "true".equals(Values.flag(value));
    }

    // ------------------------------------------------------------------------------------ writing

    @Override
    public List<Query> write(DSLContext dsl, Patch patch, ColumnLimits columns) {
        long now = clock.instant().getEpochSecond();
        return switch (patch.kind()) {
            case CREATE -> create(dsl, patch, now);
            case UPDATE -> update(dsl, patch, ID.eq(val(id(patch), SQLDataType.BIGINT)), now);
            case DELETE -> delete(dsl, patch, now);
        };
    }

    /** The column values a patch sets, in statement order, and which of them make Moodle bump timemodified. */
    private final class Assignments {
        final Map<Field<?>, Field<?>> sets = new LinkedHashMap<>();
        final List<Condition> differs = new ArrayList<>();
        final List<Condition> bumping = new ArrayList<>();

        Assignments(Map<String, String> values) {
            MoodleNames.Names names = MoodleNames.forWrite(values);
            if (names.firstname() != null) {
                text(FIRSTNAME, names.firstname(), true);
            }
            if (names.lastname() != null) {
                text(LASTNAME, names.lastname(), true);
            }
            if (values.containsKey(Fields.EMAIL)) {
                text(EMAIL, nz(values.get(Fields.EMAIL)), true);
            }
            Integer suspended = suspended(values.get(Fields.STATUS));
            if (values.containsKey(Fields.STATUS) && suspended != null) {
                flag(SUSPENDED_FLAG, suspended, true);
            }
            if (values.containsKey(Fields.EMAIL_VERIFIED)) {
                flag(CONFIRMED, "true".equals(values.get(Fields.EMAIL_VERIFIED)) ? 1 : 0, false);
            }
            String password = hash(values.get(Fields.PASSWORD));
            if (password != null) {
                text(PASSWORD, password, false);
            }
        }

        private void text(Field<String> column, String value, boolean bumps) {
            Field<String> v = val(value, SQLDataType.VARCHAR);
            add(column, v, distinct(column, v), bumps);
        }

        private void flag(Field<Integer> column, int value, boolean bumps) {
            Field<Integer> v = inline(value);
            add(column, v, column.isDistinctFrom(v), bumps);
        }

        private void add(Field<?> column, Field<?> value, Condition differ, boolean bumps) {
            sets.put(column, value);
            differs.add(differ);
            if (bumps) {
                bumping.add(differ);
            }
        }

        boolean isEmpty() {
            return sets.isEmpty();
        }

        /** The SET list: timemodified first, so that MariaDB (which assigns left to right) compares old values. */
        Map<Field<?>, Field<?>> withBump(long now) {
            Map<Field<?>, Field<?>> out = new LinkedHashMap<>();
            if (!bumping.isEmpty()) {
                out.put(TIMEMODIFIED, when(or(bumping), inline(now)).else_(TIMEMODIFIED));
            }
            out.putAll(sets);
            return out;
        }
    }

    private static Integer suspended(String status) {
        if (ACTIVE.equals(status)) {
            return 0;
        }
        return SUSPENDED.equals(status) ? 1 : null;
    }

    /**
     * The patch's values written into the account's {@code row} (an update's id, or a create's username when the
     * row exists already), where they differ and the row holds what the patch expects.
     */
    private List<Query> update(DSLContext dsl, Patch patch, Condition row, long now) {
        Assignments a = new Assignments(patch.values());
        if (a.isEmpty()) {
            return List.of();
        }
        return List.of(dsl.update(user).set(a.withBump(now))
                .where(row).and(ownAccount()).and(or(a.differs)).and(holds(patch)));
    }

    /**
     * Only where the row still holds what accountsync believes it holds: an edit not yet seen is never
     * overwritten (it comes through capture and is merged).
     */
    private Condition holds(Patch patch) {
        Condition holds = noCondition();
        for (Map.Entry<String, String> e : patch.expected().entrySet()) {
            if (patch.values().containsKey(e.getKey())) {
                holds = holds.and(holds(e.getKey(), e.getValue()));
            }
        }
        return holds;
    }

    /** The row holds {@code expected} for {@code field} (null and "" are the same for Moodle's NOT NULL columns). */
    private Condition holds(String field, String expected) {
        String e = expected == null ? "" : expected;
        return switch (field) {
            case Fields.DISPLAY_NAME -> same(trim(concat(FIRSTNAME, inline(" "), LASTNAME)), e);
            case Fields.GIVEN_NAME -> same(FIRSTNAME, e);
            case Fields.FAMILY_NAME -> same(LASTNAME, e);
            case Fields.EMAIL -> same(EMAIL, e);
            case Fields.PASSWORD -> e.isEmpty() ? PASSWORD.in(inline(""), inline(NOT_CACHED)) : same(PASSWORD, e);
            case Fields.STATUS -> {
                Integer s = suspended(expected);
                yield s == null ? falseCondition() : SUSPENDED_FLAG.eq(inline(s));
            }
            // Verification travels with the email and is decided per address: written as it comes.
            default -> noCondition();
        };
    }

    private Condition same(Field<String> column, String value) {
        Field<String> v = val(value, SQLDataType.VARCHAR);
        if (dialect.isMysqlFamily()) {
            return column.cast(SQLDataType.VARBINARY).isNotDistinctFrom(v.cast(SQLDataType.VARBINARY));
        }
        return column.isNotDistinctFrom(v);
    }

    /** Byte-exact difference: MariaDB/MySQL collations are case- and pad-insensitive, PostgreSQL's are exact. */
    private Condition distinct(Field<String> column, Field<String> value) {
        if (dialect.isMysqlFamily()) {
            return column.cast(SQLDataType.VARBINARY).isDistinctFrom(value.cast(SQLDataType.VARBINARY));
        }
        return column.isDistinctFrom(value);
    }

    /** This site's live account, never the guest. */
    private Condition ownAccount() {
        return MNETHOSTID.eq(inline(mnetHostId)).and(DELETED_FLAG.eq(inline(0))).and(USERNAME.ne(inline(GUEST)));
    }

    private static long id(Patch patch) {
        try {
            return Long.parseLong(patch.localKey().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a Moodle account's local key is its numeric user id, not '"
                    + patch.localKey() + "'", e);
        }
    }

    /**
     * {@code user_create_user()} for a manual account, with every NOT NULL column as install.xml and
     * Moodle's defaults have it, inserted only if no account of this site has the username; then the
     * patch's values where such an account already existed and differs.
     */
    private List<Query> create(DSLContext dsl, Patch patch, long now) {
        String username = normalizeUsername(patch.username());
        Map<String, String> values = patch.values();
        if (username == null || username.isEmpty() || username.equals(GUEST) || DELETED.equals(values.get(Fields.STATUS))) {
            return List.of();
        }
        MoodleNames.Names names = MoodleNames.forWrite(values);
        String password = hash(values.get(Fields.PASSWORD));
        Map<Field<?>, Field<?>> row = new LinkedHashMap<>();
        row.put(AUTH, inline("manual"));
        row.put(CONFIRMED, inline(values.containsKey(Fields.EMAIL_VERIFIED)
                && !"true".equals(values.get(Fields.EMAIL_VERIFIED)) ? 0 : 1));
        row.put(POLICYAGREED, inline(0));
        row.put(DELETED_FLAG, inline(0));
        row.put(SUSPENDED_FLAG, inline(SUSPENDED.equals(values.get(Fields.STATUS)) ? 1 : 0));
        row.put(MNETHOSTID, inline(mnetHostId));
        row.put(USERNAME, val(username, SQLDataType.VARCHAR));
        row.put(PASSWORD, val(password == null ? "" : password, SQLDataType.VARCHAR));
        row.put(IDNUMBER, inline(""));
        row.put(FIRSTNAME, val(nz(names.firstname()), SQLDataType.VARCHAR));
        row.put(LASTNAME, val(nz(names.lastname()), SQLDataType.VARCHAR));
        row.put(EMAIL, val(nz(values.get(Fields.EMAIL)), SQLDataType.VARCHAR));
        row.put(intColumn("emailstop"), inline(0));
        for (String c : List.of("phone1", "phone2", "institution", "department", "address", "city", "country")) {
            row.put(text(c), inline(""));
        }
        row.put(text("lang"), inline("en"));
        row.put(text("calendartype"), inline("gregorian"));
        row.put(text("theme"), inline(""));
        row.put(text("timezone"), inline("99"));
        for (String c : List.of("firstaccess", "lastaccess", "lastlogin", "currentlogin")) {
            row.put(longColumn(c), inline(0L));
        }
        row.put(text("lastip"), inline(""));
        row.put(text("secret"), inline(""));
        row.put(PICTURE, inline(0L));
        row.put(intColumn("descriptionformat"), inline(1));
        row.put(intColumn("mailformat"), inline(1));
        row.put(intColumn("maildigest"), inline(0));
        row.put(intColumn("maildisplay"), inline(2));
        row.put(intColumn("autosubscribe"), inline(1));
        row.put(intColumn("trackforums"), inline(0));
        row.put(longColumn("timecreated"), inline(now));
        row.put(TIMEMODIFIED, inline(now));
        row.put(longColumn("trustbitmask"), inline(0L));

        Condition sameUser = MNETHOSTID.eq(inline(mnetHostId)).and(USERNAME.eq(val(username, SQLDataType.VARCHAR)));
        List<Query> queries = new ArrayList<>();
        queries.add(dsl.insertInto(user).columns(row.keySet())
                .select(select(row.values()).whereNotExists(selectOne().from(user).where(sameUser))));
        // A row that already existed (inserted meanwhile) is written like an update: where it still holds
        // what the create expects.
        queries.addAll(update(dsl, patch, sameUser, now));
        return queries;
    }

    /**
     * {@code delete_user()}: the user's rows in {@link #DEPENDENT_TABLES} are deleted, then the row is
     * kept with {@code deleted = 1}, {@code username = <email, or username.id@unknownemail.invalid,
     * cleaned as PARAM_USERNAME and cut to 89 characters>.<10-digit time>} (a later time when that
     * name is taken, like Moodle's loop), {@code email = md5(old username)}, {@code idnumber = ''},
     * {@code picture = 0} and {@code timemodified} = now. Every statement applies only while the
     * account is this site's and not yet deleted, so a second run changes nothing.
     */
    private List<Query> delete(DSLContext dsl, Patch patch, long now) {
        long id = id(patch);
        Table<?> o = user.as("o");
        Field<Long> oId = field(DSL.name("o", "id"), SQLDataType.BIGINT);
        Field<String> oUsername = field(DSL.name("o", "username"), SQLDataType.VARCHAR);
        Field<String> oEmail = field(DSL.name("o", "email"), SQLDataType.VARCHAR);
        Condition live = field(DSL.name("o", "mnethostid"), SQLDataType.BIGINT).eq(inline(mnetHostId))
                .and(field(DSL.name("o", "deleted"), SQLDataType.INTEGER).eq(inline(0))).and(oUsername.ne(inline(GUEST)));

        List<Query> queries = new ArrayList<>();
        for (String t : DEPENDENT_TABLES) {
            queries.add(dsl.deleteFrom(table(DSL.name(schema, prefix + t)))
                    .where(longColumn("userid").eq(val(id, SQLDataType.BIGINT)))
                    .andExists(selectOne().from(o).where(oId.eq(val(id, SQLDataType.BIGINT))).and(live)));
        }

        // PHP's empty() also calls "0" empty. Numbers are concatenated as numbers (coerce, not cast): on
        // MariaDB a CAST(.. AS CHAR) takes the connection's collation and clashes with the column's.
        Field<String> source = when(oEmail.in(inline(""), inline("0")),
                concat(oUsername, inline("."), oId.coerce(SQLDataType.VARCHAR), inline("@unknownemail.invalid")))
                .else_(oEmail);
        // clean_param(PARAM_USERNAME) without extendedusernamechars: lower case, only [-.@_a-z0-9].
        Field<String> head = substring(regexpReplaceAll(lower(source), inline("[^-.@_a-z0-9]"), inline("")),
                inline(1), inline(DELETED_NAME_HEAD));
        Table<?> p = user.as("p");
        Field<String> pUsername = field(DSL.name("p", "username"), SQLDataType.VARCHAR);
        Field<String> pSuffix = substring(pUsername, charLength(head).plus(inline(2)));
        Field<Long> lastTaken = select(max(when(pSuffix.likeRegex("^[0-9]{10}$"), pSuffix.cast(SQLDataType.BIGINT))))
                .from(p)
                .where(substring(pUsername, inline(1), charLength(head).plus(inline(1))).eq(concat(head, inline("."))))
                .asField();
        Field<Long> suffix = greatest(inline(now), coalesce(lastTaken.plus(inline(1L)), inline(now)));
        Field<String> newUsername = select(concat(head, inline("."), suffix.coerce(SQLDataType.VARCHAR)))
                .from(o).where(oId.eq(val(id, SQLDataType.BIGINT))).asField();
        Field<String> newEmail = select(md5(oUsername)).from(o).where(oId.eq(val(id, SQLDataType.BIGINT))).asField();

        // Both new values come from subqueries over the row as it was: MariaDB would otherwise compute
        // the later assignment from the earlier one's new value.
        Map<Field<?>, Field<?>> sets = new LinkedHashMap<>();
        sets.put(DELETED_FLAG, inline(1));
        sets.put(USERNAME, newUsername);
        sets.put(EMAIL, newEmail);
        sets.put(IDNUMBER, inline(""));
        sets.put(PICTURE, inline(0L));
        sets.put(TIMEMODIFIED, inline(now));
        queries.add(dsl.update(user).set(sets).where(ID.eq(val(id, SQLDataType.BIGINT))).and(ownAccount()));
        return queries;
    }

    // ------------------------------------------------------------------------------------ limits

    @Override
    public Optional<String> rejects(String field, String value, ColumnLimits limits) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (field) {
            case Fields.USERNAME -> fits(field, "username", normalizeUsername(value), USERNAME_CHARS, limits);
            case Fields.EMAIL -> fits(field, "email", value, EMAIL_CHARS, limits);
            case Fields.GIVEN_NAME -> fits(field, "firstname", value, NAME_CHARS, limits);
            case Fields.FAMILY_NAME -> fits(field, "lastname", value, NAME_CHARS, limits);
            case Fields.DISPLAY_NAME -> {
                MoodleNames.Names names = MoodleNames.split(value);
                Optional<String> first = fits(field, "firstname", names.firstname(), NAME_CHARS, limits);
                yield first.isPresent() ? first : fits(field, "lastname", names.lastname(), NAME_CHARS, limits);
            }
            case Fields.PASSWORD -> fits(field, "password", value, PASSWORD_CHARS, limits);
            case Fields.STATUS -> suspended(value) != null || DELETED.equals(value) ? Optional.empty()
                    : Optional.of("status: Moodle knows only active, suspended and deleted accounts");
            default -> Optional.empty();
        };
    }

    /** The catalog's limit of the column, or install.xml's when the catalog does not know it. */
    private Optional<String> fits(String field, String column, String value, int installLength, ColumnLimits limits) {
        ColumnLimits.Limit limit = limits.limit(userTable, column);
        if (limit.maxChars().isEmpty()) {
            limit = new ColumnLimits.Limit(OptionalInt.of(installLength), limit.fourByteUtf8(), limit.dataType());
        }
        return Values.rejects(field, column, value, limit);
    }

    // ------------------------------------------------------------------------------------ helpers

    private static Field<String> text(String column) {
        return field(DSL.name(column), SQLDataType.VARCHAR);
    }

    private static Field<Integer> intColumn(String column) {
        return field(DSL.name(column), SQLDataType.INTEGER);
    }

    private static Field<Long> longColumn(String column) {
        return field(DSL.name(column), SQLDataType.BIGINT);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
