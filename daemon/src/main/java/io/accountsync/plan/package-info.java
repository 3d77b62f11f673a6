/** The plan stage: turns merge decisions into patches, one per target environment and account. */
package io.accountsync.plan;
