/**
 * The {@code trac} profile: Trac keeps an account as a {@code session} row (authenticated = 1, sid =
 * username) plus {@code session_attribute} rows (name, email, and the AccountManager plugin's password
 * and email-verification attributes). Because Trac rewrites all of a session's attributes on every save,
 * the profile folds each captured transaction's rows of one account into one account change.
 */
package io.accountsync.profile.trac;
