package io.accountsync.profile;

/**
 * Settings of a built-in application profile ({@code trac}, {@code mediawiki}, {@code moodle}).
 *
 * @param schema         PostgreSQL schema (MediaWiki's installer uses {@code mediawiki}); null = the
 *                       default ({@code public}, or the connection's database on MariaDB/MySQL)
 * @param tablePrefix    table prefix; null = the application's default ({@code mdl_} for Moodle,
 *                       none for Trac and MediaWiki)
 * @param mnetHostId     Moodle's {@code mnethostid} of local accounts (usually 1); ignored elsewhere
 * @param passwordScheme the hash scheme of this installation's passwords, or null for the
 *                       application's default
 */
public record AppSettings(String schema, String tablePrefix, long mnetHostId, String passwordScheme) {

    public static final AppSettings DEFAULTS = new AppSettings(null, null, 1, null);
}
