/**
 * Application profiles: how one application stores accounts, how its row changes become account
 * changes, and how a patch is written back (as jOOQ queries, rendered per dialect by the connectors).
 */
package io.accountsync.profile;
