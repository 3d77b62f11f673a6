/**
 * The one YAML configuration file: every key declared once ({@link io.accountsync.config.ConfigKeys}),
 * a strict loader that reports every problem at once with its dotted path
 * ({@link io.accountsync.config.ConfigLoader}), the immutable records the daemon runs on
 * ({@link io.accountsync.config.AccountsyncConfig}) and the reference generated for the README
 * ({@link io.accountsync.config.ConfigReference}).
 */
package io.accountsync.config;
