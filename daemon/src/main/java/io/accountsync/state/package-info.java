/**
 * The state store: canonical values, links, the outbox between merge and apply, own transactions
 * (for echo recognition), quarantine, the audit log; versioned with Flyway.
 */
package io.accountsync.state;
