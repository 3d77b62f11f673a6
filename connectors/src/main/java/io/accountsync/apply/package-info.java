/**
 * The apply stage: writes patches into an environment in batched, idempotent transactions with
 * jOOQ, or renders them into the environment's dry-run {@code .sql} file.
 */
package io.accountsync.apply;
