package io.accountsync.profile.trac;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.noCondition;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.val;

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
import io.accountsync.profile.trac.EmailVerification.Attribute;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The {@code trac} profile: Trac 1.4/1.6 with the AccountManager plugin.
 *
 * <p><b>Where accounts live.</b> An account is a {@code session} row with {@code authenticated = 1}
 * and {@code sid} = the username, plus {@code session_attribute} rows ({@code authenticated = 1}):
 * {@code name} (display_name), {@code email} (email) and, with AccountManager's SessionStore,
 * {@code password} (the hash as stored; scheme {@link #passwordScheme()}). Anonymous sessions
 * ({@code authenticated = 0}) are never accounts. Both tables live in the configured PostgreSQL
 * schema ({@code public} by default) or in the connection's MariaDB/MySQL database, with an optional
 * table prefix. Usernames are case-sensitive, as in Trac; last activity is {@code session.last_visit}
 * (Unix seconds, refreshed by Trac at most once a day).
 *
 * <p><b>email_verified</b> follows AccountManager's {@code email_verified}: verified when the email
 * is not empty, there is no {@code email_verification_token} attribute, and every
 * {@code email_verification_sent_to} attribute equals the current email; with neither attribute the
 * email counts as verified (the plugin's answer where no verification ever ran). Only the account's
 * own ({@code authenticated = 1}) rows are consulted: Trac moves an anonymous session's rows to the
 * authenticated sid when it promotes a session, so rows of an anonymous session with a username's sid
 * are not the account's. Writing {@code false} leaves what the plugin leaves for a pending
 * verification — a token (kept if one exists, else a new random one in the plugin's form) and
 * {@code sent_to} = the email; writing {@code true} removes the token and sets {@code sent_to} to the
 * email, which is also what stops the plugin from starting a new verification on the user's next
 * request. Neither happens where the account has no email (or not the email the same patch writes).
 *
 * <p><b>Capture.</b> Trac's {@code session.save()} deletes all of a session's attributes and inserts
 * them again in one transaction, so {@link #normalizeBatch} folds the rows of each transaction per
 * account into one change (see {@link SessionFold}): a rewrite of identical values edits nothing, an
 * attribute removed and not re-inserted is left out of {@code after} (never propagated as empty), and
 * only fields whose rows the transaction touched appear. Snapshot rows are taken one by one.
 *
 * <p><b>Writes</b> are idempotent and guarded: an attribute is updated only where it differs (and
 * still holds {@link Patch#expected()}), inserted only where missing (and not believed present), and an
 * empty value removes the attribute, as Trac stores no empty name or email. A delete is
 * AccountManager's {@code delete_user}: the user's rows of {@code auth_cookie}, {@code session_attribute},
 * {@code session} and {@code permission}.
 */
public final class TracProfile implements Profile {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final Field<String> SID = text("sid");
    private static final Field<Integer> AUTHENTICATED = integer("authenticated");
    private static final Field<Integer> LAST_VISIT = integer("last_visit");
    private static final Field<String> NAME = text("name");
    private static final Field<String> VALUE = text("value");

    private final String container;
    private final String sessionName;
    private final String attributeName;
    private final String passwordScheme;
    private final Clock clock;
    private final Table<?> session;
    private final Table<?> attribute;
    private final Table<?> authCookie;
    private final Table<?> permission;

    /**
     * @param settings the environment's profile settings (null = Trac's defaults)
     * @param dialect  the environment's database family
     * @param database the connection's database (where the tables live on MariaDB/MySQL)
     */
    public TracProfile(AppSettings settings, Dialect dialect, String database) {
        this(settings, dialect, database, Clock.systemUTC());
    }

    /** As {@link #TracProfile(AppSettings, Dialect, String)}, with the clock that dates created sessions. */
    public TracProfile(AppSettings settings, Dialect dialect, String database, Clock clock) {
        AppSettings s = settings == null ? AppSettings.DEFAULTS : settings;
        this.container = s.schema() != null ? s.schema() : dialect == Dialect.POSTGRESQL ? "public" : database;
        String prefix = s.tablePrefix() != null ? s.tablePrefix() : BuiltinProfiles.defaultTablePrefix(BuiltinProfiles.TRAC);
        this.passwordScheme = s.passwordScheme() != null ? s.passwordScheme()
                : BuiltinProfiles.defaultPasswordScheme(BuiltinProfiles.TRAC);
        this.clock = clock;
        this.sessionName = prefix + "session";
        this.attributeName = prefix + "session_attribute";
        this.session = qualified(sessionName);
        this.attribute = qualified(attributeName);
        this.authCookie = qualified(prefix + "auth_cookie");
        this.permission = qualified(prefix + "permission");
    }

    private Table<?> qualified(String tableName) {
        return container == null ? table(DSL.name(tableName)) : table(DSL.name(container, tableName));
    }

    private static Field<String> text(String... qualifiedName) {
        return field(DSL.name(qualifiedName), SQLDataType.VARCHAR);
    }

    private static Field<Integer> integer(String... qualifiedName) {
        return field(DSL.name(qualifiedName), SQLDataType.INTEGER);
    }

    @Override
    public String name() {
        return BuiltinProfiles.TRAC;
    }

    /** The hash scheme of the {@code password} attribute: configured, else AccountManager's htdigest. */
    public String passwordScheme() {
        return passwordScheme;
    }

    @Override
    public List<String> capturedTables() {
        return List.of(container + "." + sessionName, container + "." + attributeName);
    }

    @Override
    public List<String> writtenTables() {
        return List.of(sessionName, attributeName);
    }

    @Override
    public Set<String> fields() {
        return BuiltinProfiles.fields(BuiltinProfiles.TRAC);
    }

    /** Trac compares usernames exactly; only surrounding white space is never part of one. */
    @Override
    public String normalizeUsername(String raw) {
        return raw == null ? null : raw.strip();
    }

    // ------------------------------------------------------------------ capture

    @Override
    public List<AccountChange> normalize(RowChange change) throws BadRowException {
        Map<String, SessionFold> folds = new LinkedHashMap<>();
        apply(change, folds, change.op() == RowChange.Op.READ);
        return results(folds);
    }

    /**
     * Folds the rows of each transaction (adjacent rows with one txId) per account into one change;
     * snapshot rows and rows without a txId are taken one by one.
     */
    @Override
    public Normalized normalizeBatch(List<RowChange> rows) {
        List<AccountChange> out = new ArrayList<>();
        List<BadRow> bad = new ArrayList<>();
        int i = 0;
        while (i < rows.size()) {
            RowChange first = rows.get(i);
            boolean snapshot = first.op() == RowChange.Op.READ;
            int end = i + 1;
            if (first.txId() != null && !snapshot) {
                while (end < rows.size() && first.txId().equals(rows.get(end).txId())
                        && rows.get(end).op() != RowChange.Op.READ) {
                    end++;
                }
            }
            Map<String, SessionFold> folds = new LinkedHashMap<>();
            for (int k = i; k < end; k++) {
                try {
                    apply(rows.get(k), folds, snapshot);
                } catch (BadRowException e) {
                    bad.add(new BadRow(rows.get(k).position(), e.getMessage(), e.localKey()));
                }
            }
            out.addAll(results(folds));
            i = end;
        }
        return new Normalized(out, bad);
    }

    private static List<AccountChange> results(Map<String, SessionFold> folds) {
        List<AccountChange> out = new ArrayList<>();
        for (SessionFold f : folds.values()) {
            f.result().ifPresent(out::add);
        }
        return out;
    }

    /** Adds one row's events to the folds of the accounts it touches. */
    private void apply(RowChange r, Map<String, SessionFold> folds, boolean snapshot) throws BadRowException {
        boolean isSession = r.table().equals(container + "." + sessionName);
        boolean isAttribute = r.table().equals(container + "." + attributeName);
        if (!isSession && !isAttribute) {
            return;
        }
        if (r.before() == null && r.after() == null) {
            throw new BadRowException(where(r) + ": the change carries no row image");
        }
        String beforeSid = accountSid(r, r.before());
        String afterSid = accountSid(r, r.after());
        if (isSession) {
            if (beforeSid != null && beforeSid.equals(afterSid)) {
                fold(folds, beforeSid, snapshot, r).sessionKept(lastVisit(r.after()));
                return;
            }
            if (beforeSid != null) {
                fold(folds, beforeSid, snapshot, r).sessionRemoved();
            }
            if (afterSid != null) {
                fold(folds, afterSid, snapshot, r).sessionAdded(lastVisit(r.after()));
            }
            return;
        }
        // An update is a removal under the old key and an addition under the new one (Trac's session
        // promotion moves rows from an anonymous sid to the user's).
        if (beforeSid != null) {
            String attr = Values.text("name", r.before().get("name"));
            if (SessionFold.relevant(attr)) {
                fold(folds, beforeSid, snapshot, r).attributeRemoved(attr, Values.text("value", r.before().get("value")));
            }
        }
        if (afterSid != null) {
            String attr = Values.text("name", r.after().get("name"));
            if (SessionFold.relevant(attr)) {
                fold(folds, afterSid, snapshot, r).attributeAdded(attr, Values.text("value", r.after().get("value")));
            }
        }
    }

    private static SessionFold fold(Map<String, SessionFold> folds, String sid, boolean snapshot, RowChange r) {
        SessionFold f = folds.computeIfAbsent(sid, s -> new SessionFold(s, snapshot));
        f.seen(r);
        return f;
    }

    /** The sid of an authenticated session's row image; null for no image or an anonymous session. */
    private static String accountSid(RowChange r, Map<String, Object> row) throws BadRowException {
        if (row == null || !isOne(row.get("authenticated"))) {
            return null;
        }
        String sid = Values.text("sid", row.get("sid"));
        if (sid == null || sid.isBlank()) {
            throw new BadRowException(where(r) + ": authenticated session row with an empty sid");
        }
        return sid;
    }

    private static boolean isOne(Object value) {
        if (value instanceof Number n) {
            return n.longValue() == 1;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        return value instanceof String s && s.strip().equals("1");
    }

    private static Instant lastVisit(Map<String, Object> row) {
        return row == null ? null : Values.instant(row.get("last_visit")).orElse(null);
    }

    private static String where(RowChange r) {
        return "env " + r.env() + ", table " + r.table() + " at " + r.position();
    }

    // ------------------------------------------------------------------ full read

    /**
     * Reads every authenticated session with its attributes pivoted into one row (as Trac's own
     * {@code session list} does), so each account arrives whole and the read needs no ordering.
     */
    @Override
    public void readAll(DSLContext dsl, String env, ReadSink sink) throws Exception {
        Table<?> s = session.as("s");
        Field<String> sid = text("s", "sid");
        Field<Long> visit = field(DSL.name("s", "last_visit"), SQLDataType.BIGINT);
        Table<?> n = attribute.as("n");
        Table<?> e = attribute.as("e");
        Table<?> p = attribute.as("p");
        Table<?> t = attribute.as("t");
        Table<?> v = attribute.as("v");
        try (Cursor<? extends Record> cursor = dsl.select(sid, visit, text("n", "value"), text("e", "value"), text("p", "value"),
                        text("t", "name"), text("t", "value"), text("v", "name"), text("v", "value"))
                .from(s)
                .leftJoin(n).on(ownAttribute("n", sid, "name"))
                .leftJoin(e).on(ownAttribute("e", sid, "email"))
                .leftJoin(p).on(ownAttribute("p", sid, "password"))
                .leftJoin(t).on(ownAttribute("t", sid, EmailVerification.TOKEN))
                .leftJoin(v).on(ownAttribute("v", sid, EmailVerification.SENT_TO))
                .where(integer("s", "authenticated").eq(inline(1)))
                .fetchSize(2000)
                .fetchLazy()) {
            for (Record r : cursor) {
                try {
                    sink.account(account(env, r));
                } catch (BadRowException bad) {
                    sink.bad(bad.getMessage(), bad.localKey());
                }
            }
        }
    }

    private static Condition ownAttribute(String alias, Field<String> sid, String attr) {
        return text(alias, "sid").eq(sid).and(integer(alias, "authenticated").eq(inline(1)))
                .and(text(alias, "name").eq(inline(attr)));
    }

    private AccountChange account(String env, Record r) throws BadRowException {
        String sid = Values.text("sid", Values.fromJdbc(r.get(0)));
        if (sid == null || sid.isBlank()) {
            throw new BadRowException("env " + env + ", table " + container + "." + sessionName
                    + ": authenticated session with an empty sid");
        }
        String name = Values.text("name", Values.fromJdbc(r.get(2)));
        String email = Values.text("email", Values.fromJdbc(r.get(3)));
        String password = Values.text("password", Values.fromJdbc(r.get(4)));
        Attribute token = r.get(5) == null ? Attribute.ABSENT : Attribute.present(Values.text("value", r.get(6)));
        Attribute sentTo = r.get(7) == null ? Attribute.ABSENT : Attribute.present(Values.text("value", r.get(8)));
        Map<String, String> after = new HashMap<>();
        after.put(Fields.DISPLAY_NAME, name);
        after.put(Fields.EMAIL, email);
        after.put(Fields.PASSWORD, password);
        Attribute emailAttr = email == null ? Attribute.ABSENT : Attribute.present(email);
        after.put(Fields.EMAIL_VERIFIED, EmailVerification.verified(emailAttr, token, sentTo).orElse(false).toString());
        Instant lastVisit = Values.instant(Values.fromJdbc(r.get(1))).orElse(Instant.EPOCH);
        return new AccountChange(env, sid, sid, AccountChange.Kind.UPSERT, true, Map.of(), after, lastVisit,
                "full read", null);
    }

    // ------------------------------------------------------------------ writes

    @Override
    public List<Query> write(DSLContext dsl, Patch patch, ColumnLimits columns) {
        List<Query> queries = new ArrayList<>();
        switch (patch.kind()) {
            case DELETE -> delete(dsl, patch.localKey(), queries);
            case CREATE -> {
                String sid = normalizeUsername(patch.username());
                queries.add(dsl.insertInto(session, SID, AUTHENTICATED, LAST_VISIT)
                        .select(select(val(sid, SQLDataType.VARCHAR), inline(1),
                                val((int) clock.instant().getEpochSecond()))
                                .whereNotExists(selectOne().from(session.as("x"))
                                        .where(ownSession("x", sid)))));
                fields(dsl, sid, patch, queries);
            }
            case UPDATE -> fields(dsl, patch.localKey(), patch, queries);
            default -> throw new IllegalStateException(patch.kind().name());
        }
        return queries;
    }

    /** AccountManager's {@code delete_user}: every row keyed by the username, in the plugin's order. */
    private void delete(DSLContext dsl, String sid, List<Query> queries) {
        Field<String> user = val(sid, SQLDataType.VARCHAR);
        queries.add(dsl.deleteFrom(authCookie).where(text("name").eq(user)));
        queries.add(dsl.deleteFrom(attribute).where(SID.eq(user)));
        queries.add(dsl.deleteFrom(session).where(SID.eq(user)));
        queries.add(dsl.deleteFrom(permission).where(text("username").eq(user)));
    }

    private void fields(DSLContext dsl, String sid, Patch patch, List<Query> queries) {
        for (Map.Entry<String, String> f : SessionFold.ATTRIBUTES.entrySet()) {
            if (patch.values().containsKey(f.getKey())) {
                attribute(dsl, sid, f.getValue(), patch.values().get(f.getKey()),
                        patch.expected().containsKey(f.getKey()), patch.expected().get(f.getKey()), queries);
            }
        }
        if (patch.values().containsKey(Fields.EMAIL_VERIFIED)) {
            verification(dsl, sid, patch, queries);
        }
    }

    /** Sets (or, for an empty value, removes) one attribute of the account's own session. */
    private void attribute(DSLContext dsl, String sid, String attr, String value, boolean guarded, String expected,
                           List<Query> queries) {
        Condition row = SID.eq(val(sid, SQLDataType.VARCHAR)).and(AUTHENTICATED.eq(inline(1)))
                .and(NAME.eq(inline(attr)));
        // Only where the target still holds what accountsync believes it holds: an edit not yet seen is
        // never overwritten (it comes through capture and is merged).
        Condition holds = guarded ? VALUE.isNotDistinctFrom(val(expected, SQLDataType.VARCHAR)) : noCondition();
        if (value == null || value.isEmpty()) {
            queries.add(dsl.deleteFrom(attribute).where(row).and(holds));
            return;
        }
        Field<String> v = val(value, SQLDataType.VARCHAR);
        queries.add(dsl.update(attribute).set(VALUE, v).where(row).and(VALUE.isDistinctFrom(v)).and(holds));
        if (!guarded || expected == null) {
            // Missing, and not believed present (else the user removed it meanwhile): insert, but only
            // into a session that exists, never as an orphan row.
            queries.add(dsl.insertInto(attribute, SID, AUTHENTICATED, NAME, VALUE)
                    .select(select(val(sid, SQLDataType.VARCHAR), inline(1), inline(attr), v)
                            .whereNotExists(selectOne().from(attribute.as("x")).where(ownAttribute("x", sid, attr)))
                            .andExists(selectOne().from(session.as("y")).where(ownSession("y", sid)))));
        }
    }

    /**
     * The verification attributes, relative to the account's email row ({@code e}): the email the
     * same patch writes, or, without one, the email the account holds. Joining that row (rather than
     * reading it in a subquery) keeps every statement valid on MySQL, which refuses a subquery on the
     * table being changed.
     */
    private void verification(DSLContext dsl, String sid, Patch patch, List<Query> queries) {
        boolean verified = "true".equals(patch.values().get(Fields.EMAIL_VERIFIED));
        Condition emailRow = ownAttribute("e", sid, "email");
        if (patch.values().containsKey(Fields.EMAIL)) {
            String email = patch.values().get(Fields.EMAIL);
            if (email == null || email.isEmpty()) {
                return; // the patch removes the email: nothing left to verify
            }
            emailRow = emailRow.and(text("e", "value").eq(val(email, SQLDataType.VARCHAR)));
        }
        Table<?> e = attribute.as("e");
        Table<?> a = attribute.as("a");
        if (verified) {
            queries.add(dsl.deleteFrom(a).using(e)
                    .where(ownAttribute("a", sid, EmailVerification.TOKEN)).and(emailRow));
        }
        queries.add(dsl.deleteFrom(a).using(e)
                .where(ownAttribute("a", sid, EmailVerification.SENT_TO)).and(emailRow)
                .and(text("a", "value").isDistinctFrom(text("e", "value"))));
        queries.add(dsl.insertInto(attribute, SID, AUTHENTICATED, NAME, VALUE)
                .select(select(val(sid, SQLDataType.VARCHAR), inline(1), inline(EmailVerification.SENT_TO),
                        text("e", "value"))
                        .from(e).where(emailRow)
                        .andNotExists(selectOne().from(attribute.as("x"))
                                .where(ownAttribute("x", sid, EmailVerification.SENT_TO)))));
        if (!verified) {
            // A token already pending is kept, so a replay changes nothing and a mailed link stays valid.
            queries.add(dsl.insertInto(attribute, SID, AUTHENTICATED, NAME, VALUE)
                    .select(select(val(sid, SQLDataType.VARCHAR), inline(1), inline(EmailVerification.TOKEN),
                            val(newToken(), SQLDataType.VARCHAR))
                            .from(e).where(emailRow)
                            .andNotExists(selectOne().from(attribute.as("x"))
                                    .where(ownAttribute("x", sid, EmailVerification.TOKEN)))));
        }
    }

    private static Condition ownAttribute(String alias, String sid, String attr) {
        return text(alias, "sid").eq(val(sid, SQLDataType.VARCHAR)).and(integer(alias, "authenticated").eq(inline(1)))
                .and(text(alias, "name").eq(inline(attr)));
    }

    private static Condition ownSession(String alias, String sid) {
        return text(alias, "sid").eq(val(sid, SQLDataType.VARCHAR)).and(integer(alias, "authenticated").eq(inline(1)));
    }

    /** A token in AccountManager's form: six random bytes, URL-safe base64. */
    private static String newToken() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().encodeToString(bytes);
    }

    @Override
    public Optional<String> rejects(String field, String value, ColumnLimits limits) {
        if (SessionFold.ATTRIBUTES.containsKey(field)) {
            // mediumtext on MariaDB/MySQL, text on PostgreSQL: in practice only a 4-byte character in
            // a utf8mb3 column is refused.
            return Values.rejects(field, attributeName + ".value", value, limits.limit(attributeName, "value"));
        }
        if (Fields.USERNAME.equals(field)) {
            return Values.rejects(field, sessionName + ".sid", value, limits.limit(sessionName, "sid"));
        }
        return Optional.empty();
    }
}
