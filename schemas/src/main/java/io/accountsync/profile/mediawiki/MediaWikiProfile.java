package io.accountsync.profile.mediawiki;

import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.function;
import static org.jooq.impl.DSL.greatest;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.noCondition;
import static org.jooq.impl.DSL.not;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.table;
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
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The {@code mediawiki} profile: MediaWiki's {@code user} table.
 *
 * <p><b>Where.</b> PostgreSQL: {@code "user"} (quoted: a reserved word) in schema
 * {@link AppSettings#schema()}, by default {@value #DEFAULT_POSTGRES_SCHEMA}, where MediaWiki's
 * PostgreSQL installer creates its tables ({@code $wgDBmwschema}) and puts on the wiki user's
 * {@code search_path}. MariaDB/MySQL: {@code <prefix>user} ({@code $wgDBprefix}, by default none)
 * in the connection's database. The table prefix is applied on PostgreSQL too when configured.
 *
 * <p><b>Fields.</b> display_name ← {@code user_real_name}; email ← {@code user_email};
 * email_verified ← {@code user_email_authenticated} IS NOT NULL; password ← {@code user_password}
 * (scheme {@link #passwordScheme()}). MediaWiki keeps "no value" as {@code ''} in these NOT NULL
 * columns; canonically that is null. The local key is {@code user_id}; the last activity
 * {@code user_touched}. Temporary accounts ({@code user_is_temp = 1}, where the column exists) are
 * not accounts to sync and yield nothing.
 *
 * <p><b>Writes</b> follow {@code User::saveSettings}: every statement that changes a row also sets
 * {@code user_touched} to MediaWiki's {@code newTouchedTimestamp()} (now, whole seconds, but always
 * at least one second past the old value), and an update only happens where some synced value
 * differs, so a replay leaves no event. A new email clears the confirmation token and its expiry
 * and, unless the patch also says the email is verified, the authentication time
 * ({@code setEmail}/{@code invalidateEmail}); verified=true sets the authentication time to now
 * where the address was not authenticated (or is new), verified=false clears it. "Now" is the
 * database's clock, so a dry-run file replayed later stamps the time of the replay. On MariaDB/MySQL
 * the assignments are ordered so that each one reads the row's old values (those databases evaluate
 * SET left to right). A create fills the NOT NULL columns as {@code User::addToDatabase} does and
 * adds the user's {@code actor} row. MediaWiki cannot delete users, so a delete writes nothing.
 * Usernames are never changed (MediaWiki renames are a separate, logged operation).
 */
public final class MediaWikiProfile implements Profile {

    /** The schema MediaWiki's PostgreSQL installer uses ({@code $wgDBmwschema}). */
    public static final String DEFAULT_POSTGRES_SCHEMA = "mediawiki";

    static final String USER_ID = "user_id";
    static final String USER_NAME = "user_name";
    static final String REAL_NAME = "user_real_name";
    static final String PASSWORD = "user_password";
    static final String NEW_PASSWORD = "user_newpassword";
    static final String EMAIL = "user_email";
    static final String TOUCHED = "user_touched";
    static final String TOKEN = "user_token";
    static final String EMAIL_AUTHENTICATED = "user_email_authenticated";
    static final String EMAIL_TOKEN = "user_email_token";
    static final String EMAIL_TOKEN_EXPIRES = "user_email_token_expires";
    static final String REGISTRATION = "user_registration";
    static final String EDIT_COUNT = "user_editcount";
    static final String IS_TEMP = "user_is_temp";

    /** VARBINARY(255), TINYTEXT and TINYBLOB on MariaDB/MySQL: all count bytes. */
    static final int MYSQL_TEXT_BYTES = 255;
    /** MediaWiki's TS_MW format in DATE_FORMAT's notation. */
    private static final String MYSQL_TS_MW = "%Y%m%d%H%i%s";
    /** {@code User::TOKEN_LENGTH}: {@code user_token} holds this many random hex characters. */
    static final int TOKEN_LENGTH = 32;

    /** The text columns behind the canonical fields this profile writes (username only on create). */
    private static final Map<String, String> TEXT_COLUMNS = Map.of(
            Fields.DISPLAY_NAME, REAL_NAME,
            Fields.EMAIL, EMAIL,
            Fields.PASSWORD, PASSWORD,
            Fields.USERNAME, USER_NAME);

    private final Dialect dialect;
    private final String schema;
    private final String userTableName;
    private final String actorTableName;
    private final String passwordScheme;
    private final Table<?> user;
    private final Table<?> actor;
    private final DataType<Object> timestampType;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param settings the application settings: schema (PostgreSQL; null = {@code mediawiki}), table
     *                 prefix (null = none), password scheme (null = {@code mediawiki})
     * @param dialect  the environment's database family
     * @param database the connection's database, where the tables are on MariaDB/MySQL (unless
     *                 the settings name a schema)
     */
    @SuppressWarnings("unchecked")
    public MediaWikiProfile(AppSettings settings, Dialect dialect, String database) {
        AppSettings s = settings == null ? AppSettings.DEFAULTS : settings;
        this.dialect = dialect;
        this.schema = s.schema() != null ? s.schema()
                : dialect == Dialect.POSTGRESQL ? DEFAULT_POSTGRES_SCHEMA : database;
        String prefix = s.tablePrefix() != null ? s.tablePrefix() : BuiltinProfiles.defaultTablePrefix(BuiltinProfiles.MEDIAWIKI);
        this.userTableName = prefix + "user";
        this.actorTableName = prefix + "actor";
        this.passwordScheme = s.passwordScheme() != null ? s.passwordScheme()
                : BuiltinProfiles.defaultPasswordScheme(BuiltinProfiles.MEDIAWIKI);
        this.user = table(DSL.name(schema, userTableName));
        this.actor = table(DSL.name(schema, actorTableName));
        // mwtimestamp: TIMESTAMPTZ on PostgreSQL, BINARY(14) 'YYYYMMDDHHMMSS' on MariaDB/MySQL.
        this.timestampType = (DataType<Object>) (DataType<?>) (dialect == Dialect.POSTGRESQL
                ? SQLDataType.TIMESTAMPWITHTIMEZONE : SQLDataType.VARCHAR);
    }

    @Override
    public String name() {
        return BuiltinProfiles.MEDIAWIKI;
    }

    /** The hash scheme of {@code user_password}: hashes travel only between environments of one scheme. */
    public String passwordScheme() {
        return passwordScheme;
    }

    @Override
    public List<String> capturedTables() {
        return List.of(schema + "." + userTableName);
    }

    @Override
    public List<String> writtenTables() {
        return List.of(userTableName, actorTableName);
    }

    @Override
    public Set<String> fields() {
        return BuiltinProfiles.fields(BuiltinProfiles.MEDIAWIKI);
    }

    @Override
    public String normalizeUsername(String raw) {
        return MediaWikiUserNames.canonical(raw);
    }

    // ------------------------------------------------------------------------------------ reading

    @Override
    public List<AccountChange> normalize(RowChange change) throws BadRowException {
        if (!capturedTables().get(0).equals(change.table())) {
            return List.of();
        }
        Map<String, Object> row = change.current();
        if (row == null) {
            throw new BadRowException(where(change) + ": the change carries no row image");
        }
        Object id = row.get(USER_ID);
        if (id == null) {
            throw new BadRowException(where(change) + ": user_id is NULL");
        }
        String key = Values.text(USER_ID, id);
        try {
            return normalize(change, row, key);
        } catch (BadRowException e) {
            // Every problem of a row with a key names where it was and carries the key (for retry).
            throw e.localKey() != null ? e : new BadRowException(where(change) + ": " + e.getMessage(), key);
        }
    }

    private List<AccountChange> normalize(RowChange change, Map<String, Object> row, String key) throws BadRowException {
        if (row.containsKey(IS_TEMP) && RowValues.flag(row.get(IS_TEMP))) {
            return List.of(); // a temporary account (user_is_temp = 1): not a person's account
        }
        String username = RowValues.text(USER_NAME, row.get(USER_NAME), key);
        if (username == null || username.isBlank()) {
            throw new BadRowException(where(change) + ": user_name is empty for user_id " + key, key);
        }
        Map<String, String> after = change.after() == null ? Map.of() : values(change.after(), key);
        Map<String, String> before = Map.of();
        if (change.before() != null) {
            try {
                before = values(change.before(), key);
            } catch (BadRowException unreadableBefore) {
                // The row as it was cannot be read (the bad value this change repairs): take the change
                // as an insert, editing every field it carries; only its own image must be readable.
            }
        }
        Instant time = change.commitTime();
        if (change.op() == RowChange.Op.READ) {
            Instant touched = RowValues.timestamp(TOUCHED, row.get(TOUCHED), key);
            time = touched == null ? Instant.EPOCH : touched;
        }
        AccountChange.Kind kind = change.op() == RowChange.Op.DELETE ? AccountChange.Kind.DELETE : AccountChange.Kind.UPSERT;
        return List.of(new AccountChange(change.env(), key, username, kind, change.op() == RowChange.Op.READ,
                before, after, time, change.position(), change.txId()));
    }

    /** The canonical fields of one row image. */
    private Map<String, String> values(Map<String, Object> row, String key) throws BadRowException {
        Map<String, String> out = new HashMap<>();
        if (row.containsKey(REAL_NAME)) {
            out.put(Fields.DISPLAY_NAME, RowValues.optionalText(REAL_NAME, row.get(REAL_NAME), key));
        }
        if (row.containsKey(EMAIL)) {
            out.put(Fields.EMAIL, RowValues.optionalText(EMAIL, row.get(EMAIL), key));
        }
        if (row.containsKey(EMAIL_AUTHENTICATED)) {
            Instant authenticated = RowValues.timestamp(EMAIL_AUTHENTICATED, row.get(EMAIL_AUTHENTICATED), key);
            out.put(Fields.EMAIL_VERIFIED, authenticated != null ? "true" : "false");
        }
        if (row.containsKey(PASSWORD)) {
            out.put(Fields.PASSWORD, RowValues.optionalText(PASSWORD, row.get(PASSWORD), key));
        }
        return out;
    }

    @Override
    public void readAll(DSLContext dsl, String env, ReadSink sink) throws Exception {
        String tableName = capturedTables().get(0);
        try (Cursor<Record> cursor = dsl.select().from(user).fetchSize(2000).fetchLazy()) {
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

    private static String where(RowChange change) {
        return "env " + change.env() + ", table " + change.table() + " at " + change.position();
    }

    // ------------------------------------------------------------------------------------ writing

    @Override
    public List<Query> write(DSLContext dsl, Patch patch, ColumnLimits columns) {
        return switch (patch.kind()) {
            // MediaWiki core cannot delete a user (accounts are blocked or renamed; only the UserMerge
            // extension removes one, after moving its edits): nothing to carry out.
            case DELETE -> List.of();
            case UPDATE -> {
                Changes changes = changes(patch);
                Condition row = field(DSL.name(USER_ID), SQLDataType.BIGINT).eq(val(userId(patch), SQLDataType.BIGINT));
                yield changes.any() ? List.of(update(dsl, changes, row.and(expected(patch)))) : List.of();
            }
            case CREATE -> create(dsl, patch, columns);
        };
    }

    /**
     * Insert-if-missing of the user row as {@code User::addToDatabase} fills it, of the actor row,
     * then (for a user that already existed under that name) an update of whatever differs, where the
     * row still holds what the create expects ({@link Patch#expected()}).
     */
    private List<Query> create(DSLContext dsl, Patch patch, ColumnLimits columns) {
        String username = normalizeUsername(patch.username());
        Field<String> nameValue = val(username, SQLDataType.VARCHAR);
        Map<String, String> v = patch.values();
        Map<Field<?>, Field<?>> row = new LinkedHashMap<>();
        row.put(userColumn(USER_NAME), nameValue);
        row.put(userColumn(REAL_NAME), text(v.get(Fields.DISPLAY_NAME)));
        // An empty hash is MediaWiki's "invalid password" (PasswordFactory::newInvalidPassword).
        row.put(userColumn(PASSWORD), text(v.get(Fields.PASSWORD)));
        row.put(userColumn(NEW_PASSWORD), text(null));
        row.put(userColumn(EMAIL), text(v.get(Fields.EMAIL)));
        row.put(timestamp(TOUCHED), now());
        row.put(userColumn(TOKEN), inline(newToken(), SQLDataType.VARCHAR));
        row.put(timestamp(EMAIL_AUTHENTICATED), "true".equals(v.get(Fields.EMAIL_VERIFIED)) ? now() : nullTimestamp());
        row.put(timestamp(REGISTRATION), now());
        row.put(field(DSL.name(EDIT_COUNT), SQLDataType.INTEGER), inline(0, SQLDataType.INTEGER));
        if (columns.limit(userTableName, IS_TEMP).dataType() != null) {
            // Absent before 1.41; where it exists its default is 0 too, this only says it out loud.
            row.put(field(DSL.name(IS_TEMP), SQLDataType.SMALLINT), inline(0, SQLDataType.SMALLINT));
        }
        List<Query> queries = new ArrayList<>();
        queries.add(dsl.insertInto(user).columns(row.keySet())
                .select(select(row.values().toArray(Field[]::new)).whereNotExists(
                        selectOne().from(user).where(userColumn(USER_NAME).eq(nameValue)))));

        // The user's actor row (ActorStore::acquireActorId), unless the user already has one or the
        // name is taken by another actor (actor_name is unique).
        Table<?> u = user.as("u");
        Table<?> a = actor.as("a");
        Field<Object> uId = field(DSL.name("u", USER_ID));
        Field<Object> uName = field(DSL.name("u", USER_NAME));
        queries.add(dsl.insertInto(actor).columns(field(DSL.name("actor_user")), field(DSL.name("actor_name")))
                .select(select(uId, uName).from(u).where(uName.eq(nameValue)).andNotExists(
                        selectOne().from(a).where(field(DSL.name("a", "actor_user")).eq(uId)
                                .or(field(DSL.name("a", "actor_name")).eq(uName))))));

        // A row that already existed (inserted meanwhile) is written like an update: where it still holds
        // what the create expects.
        Changes changes = changes(patch);
        if (changes.any()) {
            queries.add(update(dsl, changes, userColumn(USER_NAME).eq(nameValue).and(expected(patch))));
        }
        return queries;
    }

    /** What a patch asks of the row: the new values and when the row differs from them. */
    private record Changes(Map<Field<?>, Field<?>> sets, Condition differs, boolean any) {
    }

    private Changes changes(Patch patch) {
        Map<String, String> v = patch.values();
        Map<Field<?>, Field<?>> sets = new LinkedHashMap<>();
        List<Condition> differs = new ArrayList<>();
        Field<Object> authenticated = timestamp(EMAIL_AUTHENTICATED);

        Condition emailChanges = null;
        if (v.containsKey(Fields.EMAIL)) {
            Field<String> email = text(v.get(Fields.EMAIL));
            emailChanges = userColumn(EMAIL).isDistinctFrom(email);
            differs.add(emailChanges);
            // setEmail() → invalidateEmail(): the pending confirmation is for the old address.
            sets.put(userColumn(EMAIL_TOKEN), when(emailChanges, inline((String) null, SQLDataType.VARCHAR))
                    .else_(userColumn(EMAIL_TOKEN)));
            sets.put(timestamp(EMAIL_TOKEN_EXPIRES), when(emailChanges, nullTimestamp())
                    .else_(timestamp(EMAIL_TOKEN_EXPIRES)));
        }
        String verified = v.get(Fields.EMAIL_VERIFIED);
        if ("true".equals(verified)) {
            // confirmEmail(): authenticated now; a time already there stays unless the address is new.
            Condition stamp = emailChanges == null ? unverified() : emailChanges.or(unverified());
            sets.put(authenticated, when(stamp, now()).else_(authenticated));
            differs.add(unverified());
        } else if ("false".equals(verified)) {
            sets.put(authenticated, nullTimestamp());
            differs.add(not(unverified()));
        } else if (emailChanges != null) {
            sets.put(authenticated, when(emailChanges, nullTimestamp()).else_(authenticated));
        }
        // Assigned after the expressions above read the old user_email (MariaDB evaluates SET in order).
        if (v.containsKey(Fields.EMAIL)) {
            sets.put(userColumn(EMAIL), text(v.get(Fields.EMAIL)));
        }
        for (String f : List.of(Fields.DISPLAY_NAME, Fields.PASSWORD)) {
            if (v.containsKey(f)) {
                Field<String> column = userColumn(TEXT_COLUMNS.get(f));
                Field<String> value = text(v.get(f));
                sets.put(column, value);
                differs.add(column.isDistinctFrom(value));
            }
        }
        if (differs.isEmpty()) {
            return new Changes(Map.of(), noCondition(), false);
        }
        sets.put(timestamp(TOUCHED), newTouched());
        return new Changes(sets, differs.stream().reduce(Condition::or).orElseThrow(), true);
    }

    private Query update(DSLContext dsl, Changes changes, Condition which) {
        return dsl.update(user).set(changes.sets()).where(which).and(changes.differs());
    }

    /**
     * Only where the row still holds what accountsync believes (an edit not yet seen is never
     * overwritten: it arrives through capture and is merged). Compared canonically: an expected
     * null is MediaWiki's {@code ''}. The verification travels with the email and is not guarded.
     */
    private Condition expected(Patch patch) {
        Condition holds = noCondition();
        for (Map.Entry<String, String> e : patch.expected().entrySet()) {
            String column = TEXT_COLUMNS.get(e.getKey());
            if (column == null || column.equals(USER_NAME) || !patch.values().containsKey(e.getKey())) {
                continue;
            }
            Field<String> f = userColumn(column);
            holds = holds.and(e.getValue() == null || e.getValue().isEmpty()
                    ? f.isNull().or(f.eq(inline("", SQLDataType.VARCHAR)))
                    : f.isNotDistinctFrom(val(e.getValue(), SQLDataType.VARCHAR)));
        }
        return holds;
    }

    private static long userId(Patch patch) {
        try {
            return Long.parseLong(patch.localKey());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a MediaWiki local key is a user_id, not '" + patch.localKey() + "'", e);
        }
    }

    private static Field<String> userColumn(String column) {
        return field(DSL.name(column), SQLDataType.VARCHAR);
    }

    /** A canonical text value in a NOT NULL DEFAULT '' column: null is stored as {@code ''}. */
    private static Field<String> text(String value) {
        return value == null ? inline("", SQLDataType.VARCHAR) : val(value, SQLDataType.VARCHAR);
    }

    private Field<Object> timestamp(String column) {
        return field(DSL.name(column), timestampType);
    }

    private Field<Object> nullTimestamp() {
        return inline((Object) null, timestampType);
    }

    /** Now in MediaWiki's resolution (whole seconds): TS_MW in UTC on MariaDB/MySQL. */
    private Field<Object> now() {
        return dialect == Dialect.POSTGRESQL
                ? function("date_trunc", timestampType, inline("second"), DSL.currentTimestamp())
                : function("DATE_FORMAT", timestampType, function("UTC_TIMESTAMP", SQLDataType.LOCALDATETIME),
                        inline(MYSQL_TS_MW));
    }

    /** {@code User::newTouchedTimestamp()}: now, but at least one second after the old value. */
    private Field<Object> newTouched() {
        Field<Object> touched = timestamp(TOUCHED);
        if (dialect == Dialect.POSTGRESQL) {
            Field<Object> truncated = function("date_trunc", timestampType, inline("second"), touched);
            return greatest(now(), field("{0} + interval '1 second'", timestampType, truncated));
        }
        // A malformed old value (cast gives NULL) must not make the NOT NULL column NULL: now wins.
        Field<Object> next = function("DATE_FORMAT", timestampType,
                DSL.localDateTimeAdd(touched.cast(SQLDataType.LOCALDATETIME), 1, org.jooq.DatePart.SECOND),
                inline(MYSQL_TS_MW));
        return greatest(now(), coalesce(next, inline("", timestampType)));
    }

    /**
     * The address is not authenticated: NULL, or on MariaDB/MySQL a BINARY(14) holding only NUL
     * padding (an empty string written there), which the reader also takes as unauthenticated.
     */
    private Condition unverified() {
        Field<Object> authenticated = timestamp(EMAIL_AUTHENTICATED);
        if (dialect == Dialect.POSTGRESQL) {
            return authenticated.isNull();
        }
        Field<String> text = field(DSL.name(EMAIL_AUTHENTICATED), SQLDataType.VARCHAR);
        return authenticated.isNull().or(DSL.replace(text,
                function("UNHEX", SQLDataType.VARCHAR, inline("00")), inline("")).eq(inline("")));
    }

    /** {@code MWCryptRand::generateHex(32)}: a new user's persistent-login token. */
    private String newToken() {
        byte[] bytes = new byte[TOKEN_LENGTH / 2];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    // ------------------------------------------------------------------------------------ limits

    /**
     * MariaDB/MySQL: {@code user_real_name} and {@code user_name} are VARBINARY(255),
     * {@code user_email} TINYTEXT and {@code user_password} TINYBLOB: 255 bytes each, counted in
     * UTF-8, not in characters ("Ωμέγα" is 5 characters, 10 bytes). PostgreSQL TEXT has no length
     * limit, but cannot hold the NUL character.
     */
    @Override
    public Optional<String> rejects(String field, String value, ColumnLimits limits) {
        String column = TEXT_COLUMNS.get(field);
        if (column == null || value == null) {
            return Optional.empty();
        }
        String stored = field.equals(Fields.USERNAME) ? normalizeUsername(value) : value;
        if (dialect == Dialect.POSTGRESQL) {
            return stored.indexOf('\0') >= 0
                    ? Optional.of(field + ": column " + column + " (PostgreSQL text) cannot hold the NUL character")
                    : Optional.empty();
        }
        ColumnLimits.Limit limit = limits.limit(userTableName, column);
        // information_schema gives binary and TINYTEXT columns' lengths in bytes.
        int maxBytes = limit.maxChars().orElse(MYSQL_TEXT_BYTES);
        int bytes = stored.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            int chars = stored.codePointCount(0, stored.length());
            return Optional.of(field + ": " + bytes + " bytes in UTF-8 (" + chars + " characters) do not fit column "
                    + column + ", which holds at most " + maxBytes + " bytes");
        }
        if (!limit.fourByteUtf8() && stored.codePoints().anyMatch(cp -> cp > 0xFFFF)) {
            return Optional.of(field + ": column " + column
                    + " cannot store characters outside the Basic Multilingual Plane (utf8mb3)");
        }
        return Optional.empty();
    }
}
