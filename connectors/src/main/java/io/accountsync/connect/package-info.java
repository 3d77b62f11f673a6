/** Connection settings, secrets and the classification of database errors, shared by capture and apply. */
package io.accountsync.connect;
