/**
 * Application fixtures: the account tables of Trac, MediaWiki and Moodle (and a few tables that
 * reference users) on PostgreSQL and MariaDB, written from ../shared/docs/APP-SCHEMAS.md, and a
 * generator of realistic people to fill them.
 */
package io.accountsync.testsupport.apps;
