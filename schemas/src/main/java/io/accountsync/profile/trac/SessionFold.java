package io.accountsync.profile.trac;

import io.accountsync.model.AccountChange;
import io.accountsync.model.Fields;
import io.accountsync.model.RowChange;
import io.accountsync.profile.trac.EmailVerification.Attribute;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one captured transaction (or one snapshot row) did to one Trac account, gathered row by row
 * and turned into at most one {@link AccountChange}.
 *
 * <p>Each attribute row is an event: a before image says the attribute held that value (or the row
 * is gone from this key), an after image says it holds that value now. The first event of an
 * attribute fixes its state before the transaction: a removal means it existed with the removed
 * value; an addition means it did not exist (the key is unique, so an insert proves absence). The
 * last event fixes its state after. Attributes the transaction did not touch stay unknown, except in
 * a session the transaction created, which had none.
 */
final class SessionFold {

    /** Canonical field → Trac attribute name, for the fields kept as one attribute each. */
    static final Map<String, String> ATTRIBUTES = attributes();

    private final String sid;
    private final boolean snapshot;
    private Boolean sessionBefore;
    private Boolean sessionAfter;
    private Instant lastVisit;
    private final Map<String, Attribute[]> attributes = new HashMap<>();
    private RowChange last;

    /**
     * @param snapshot true for a row read by a snapshot, which tells only the state after
     */
    SessionFold(String sid, boolean snapshot) {
        this.sid = sid;
        this.snapshot = snapshot;
    }

    private static Map<String, String> attributes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Fields.DISPLAY_NAME, "name");
        m.put(Fields.EMAIL, "email");
        m.put(Fields.PASSWORD, "password");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Whether the profile reads this attribute at all (others, like {@code tz}, are ignored). */
    static boolean relevant(String attribute) {
        return ATTRIBUTES.containsValue(attribute) || EmailVerification.TOKEN.equals(attribute)
                || EmailVerification.SENT_TO.equals(attribute);
    }

    void seen(RowChange row) {
        last = row;
    }

    void sessionRemoved() {
        if (sessionBefore == null) {
            sessionBefore = true;
        }
        sessionAfter = false;
    }

    void sessionAdded(Instant visit) {
        if (sessionBefore == null) {
            sessionBefore = false;
        }
        sessionAfter = true;
        lastVisit = visit;
    }

    /** The session row stayed under its key (Trac refreshing {@code last_visit}). */
    void sessionKept(Instant visit) {
        if (sessionBefore == null) {
            sessionBefore = true;
        }
        sessionAfter = true;
        lastVisit = visit;
    }

    void attributeRemoved(String name, String value) {
        Attribute[] a = attributes.computeIfAbsent(name, n -> new Attribute[] {Attribute.present(value), null});
        a[1] = Attribute.ABSENT;
    }

    void attributeAdded(String name, String value) {
        Attribute[] a = attributes.computeIfAbsent(name, n -> new Attribute[] {Attribute.ABSENT, null});
        a[1] = Attribute.present(value);
    }

    private boolean created() {
        // A snapshot row shows one row, never a whole session: it proves no attribute absent.
        return !snapshot && Boolean.FALSE.equals(sessionBefore) && Boolean.TRUE.equals(sessionAfter);
    }

    private Attribute before(String name) {
        Attribute[] a = attributes.get(name);
        return a != null ? a[0] : created() ? Attribute.ABSENT : Attribute.UNKNOWN;
    }

    private Attribute after(String name) {
        Attribute[] a = attributes.get(name);
        return a != null ? a[1] : created() ? Attribute.ABSENT : Attribute.UNKNOWN;
    }

    /** The account change this fold amounts to, or empty when it changed no account. */
    Optional<AccountChange> result() {
        if (last == null) {
            return Optional.empty();
        }
        Map<String, String> before = new HashMap<>();
        Map<String, String> after = new HashMap<>();
        for (Map.Entry<String, String> e : ATTRIBUTES.entrySet()) {
            Attribute b = before(e.getValue());
            Attribute a = after(e.getValue());
            if (b.known()) {
                before.put(e.getKey(), b.value()); // an attribute added by this transaction had no value before
            }
            if (a.isPresent()) {
                after.put(e.getKey(), a.value()); // a removed attribute is no value to propagate
            }
        }
        verified(before("email"), before(EmailVerification.TOKEN), before(EmailVerification.SENT_TO))
                .ifPresent(v -> before.put(Fields.EMAIL_VERIFIED, v.toString()));
        verified(after("email"), after(EmailVerification.TOKEN), after(EmailVerification.SENT_TO))
                .ifPresent(v -> after.put(Fields.EMAIL_VERIFIED, v.toString()));

        if (snapshot) {
            if (after.isEmpty() && sessionAfter == null) {
                return Optional.empty();
            }
            Instant time = lastVisit != null ? lastVisit : Instant.EPOCH;
            return Optional.of(change(AccountChange.Kind.UPSERT, true, Map.of(), after, time));
        }
        if (Boolean.TRUE.equals(sessionBefore) && Boolean.FALSE.equals(sessionAfter)) {
            return Optional.of(change(AccountChange.Kind.DELETE, false, before, Map.of(), last.commitTime()));
        }
        if (Boolean.FALSE.equals(sessionBefore) && Boolean.FALSE.equals(sessionAfter)) {
            return Optional.empty(); // created and deleted within one transaction
        }
        if (created()) {
            return Optional.of(change(AccountChange.Kind.UPSERT, false, Map.of(), after, last.commitTime()));
        }
        if (after.isEmpty()) {
            return Optional.empty(); // a last_visit refresh, other attributes, or only removals
        }
        return Optional.of(change(AccountChange.Kind.UPSERT, false, before, after, last.commitTime()));
    }

    private static Optional<Boolean> verified(Attribute email, Attribute token, Attribute sentTo) {
        return EmailVerification.verified(email, token, sentTo);
    }

    private AccountChange change(AccountChange.Kind kind, boolean snap, Map<String, String> before,
                                 Map<String, String> after, Instant time) {
        return new AccountChange(last.env(), sid, sid, kind, snap, before, after, time, last.position(), last.txId());
    }
}
