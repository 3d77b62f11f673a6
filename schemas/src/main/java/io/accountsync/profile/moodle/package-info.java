/**
 * The {@code moodle} profile: accounts in Moodle's {@code <prefix>user} table (APP-SCHEMAS.md §3),
 * read and written the way Moodle's own {@code user_create_user()}, {@code user_update_user()} and
 * {@code delete_user()} do, including the split of a display name into first and last name.
 */
package io.accountsync.profile.moodle;
