package io.accountsync.profile.trac;

import java.util.Objects;
import java.util.Optional;

/**
 * AccountManager's rule for a verified email ({@code acct_mgr/model.py}, {@code email_verified}),
 * evaluated over what is known about three attributes of one session. The plugin says an address is
 * verified when the user is known, the email is not empty, every {@code email_verification_sent_to}
 * row equals the email, and no {@code email_verification_token} row exists (a token row, whatever its
 * value, means a verification is pending). With none of those rows at all the address counts as
 * verified: that is the plugin's own answer for installations that never ran a verification.
 *
 * <p>A captured transaction shows only the attributes it touched, so each input may be unknown; the
 * rule then answers only where the known inputs already decide it.
 */
final class EmailVerification {

    /** The attribute holding the pending verification's token. */
    static final String TOKEN = "email_verification_token";
    /** The attribute holding the address the last token was sent to. */
    static final String SENT_TO = "email_verification_sent_to";

    private EmailVerification() {
    }

    /** What is known about one attribute row of a session at one point in time. */
    record Attribute(State state, String value) {
        enum State { UNKNOWN, ABSENT, PRESENT }

        static final Attribute UNKNOWN = new Attribute(State.UNKNOWN, null);
        static final Attribute ABSENT = new Attribute(State.ABSENT, null);

        /** A row that exists, with its value (which Trac's schema allows to be NULL). */
        static Attribute present(String value) {
            return new Attribute(State.PRESENT, value);
        }

        boolean known() {
            return state != State.UNKNOWN;
        }

        boolean isPresent() {
            return state == State.PRESENT;
        }

        boolean isAbsent() {
            return state == State.ABSENT;
        }
    }

    /**
     * Whether the email counts as verified, or empty when the known attributes cannot tell.
     *
     * @param email  the {@code email} attribute
     * @param token  the {@code email_verification_token} attribute
     * @param sentTo the {@code email_verification_sent_to} attribute
     */
    static Optional<Boolean> verified(Attribute email, Attribute token, Attribute sentTo) {
        if (email.known() && !hasText(email)) {
            return Optional.of(false); // the plugin answers None for a missing or empty address
        }
        if (token.isPresent()) {
            return Optional.of(false); // pending: the plugin returns the token, never True
        }
        if (sentTo.isPresent() && email.isPresent() && !Objects.equals(sentTo.value(), email.value())) {
            return Optional.of(false); // the token went to another address
        }
        if (email.isPresent() && token.isAbsent() && sentTo.known()) {
            return Optional.of(true);
        }
        return Optional.empty();
    }

    private static boolean hasText(Attribute a) {
        return a.isPresent() && a.value() != null && !a.value().isEmpty();
    }
}
