/** The correlate stage: finds or creates the canonical account a local account belongs to. */
package io.accountsync.correlate;
