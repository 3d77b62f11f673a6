/**
 * {@code accountsync demo}: a sample farm that needs nothing but Java. Three embedded PostgreSQL
 * servers hold a Trac, a MediaWiki and a Moodle database whose accounts disagree; the daemon runs
 * in-process on a generated configuration, bootstraps them, and then live edits, made the way each
 * application makes them, are timed until they show up in the other two.
 *
 * <p>{@link io.accountsync.demo.Demo} runs it; {@link io.accountsync.demo.DemoApp} and its three
 * subclasses read and change accounts as the applications do (minimal schemas in
 * {@code resources/demo/*.sql}); {@link io.accountsync.demo.LiveEdits} makes and times the edits.
 */
package io.accountsync.demo;
