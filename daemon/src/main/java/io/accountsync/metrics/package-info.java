/** Metrics: one class owns every metric name; Prometheus exposition over HTTP on loopback. */
package io.accountsync.metrics;
