/** End-to-end tests: the daemon as a separate process against the private PostgreSQL and MariaDB instances. */
package io.accountsync.it;
