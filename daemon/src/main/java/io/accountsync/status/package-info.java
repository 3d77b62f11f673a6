/**
 * What the daemon tells its operators: the status snapshot behind {@code /status} and
 * {@code accountsync status} (live from the daemon, or read from the state store when no daemon
 * answers), and the log line format (text or JSON lines, the environment on every line).
 */
package io.accountsync.status;
