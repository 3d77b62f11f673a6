/**
 * The {@code mediawiki} profile: accounts in MediaWiki's {@code user} table (and the {@code actor}
 * row every registered user has), on PostgreSQL ({@code "user"} in the {@code mediawiki} schema,
 * TIMESTAMPTZ timestamps) and MariaDB/MySQL (binary columns, 14-character {@code YYYYMMDDHHMMSS}
 * timestamps, the table prefix). Usernames are normalized as MediaWiki's title code does; writes
 * follow {@code User::saveSettings} and {@code User::addToDatabase}.
 */
package io.accountsync.profile.mediawiki;
