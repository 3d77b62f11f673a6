/**
 * The account model every stage speaks: row changes as captured, account changes as normalized,
 * local accounts, patches to write, and the canonical field names.
 */
package io.accountsync.model;
