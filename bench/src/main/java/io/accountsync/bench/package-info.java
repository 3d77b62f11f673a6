/**
 * The benchmark harness behind {@code ops/bench}: the capture ceiling (the Debezium engine alone), streaming
 * under the daemon (generic, and Trac/MediaWiki/Moodle), the bootstrap (in a JVM of its own, for its memory),
 * the naive read-merge-write-everything baseline on the same data, and the report (JSON, a Markdown table, an
 * SVG chart) with the ratios and the targets. It runs against the private databases
 * ({@code ops/dev/databases}) and is never part of the runnable jar.
 */
package io.accountsync.bench;
