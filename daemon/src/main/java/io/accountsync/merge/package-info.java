/** The merge stage: compares an account change with the canonical state and decides what becomes canonical and what must be written where. */
package io.accountsync.merge;
