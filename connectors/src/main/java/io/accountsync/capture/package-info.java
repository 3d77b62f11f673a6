/**
 * The capture stage: one Debezium embedded engine per environment ({@link io.accountsync.capture.CaptureEngine}),
 * its settings and lifecycle, the conversion of Debezium records to {@link io.accountsync.model.RowChange}s, the SQL
 * that tells accountsync the transaction id of its own writes ({@link io.accountsync.capture.TransactionIds}), and
 * the sanitizing of Debezium's error messages, which carry the connector configuration and its passwords
 * ({@link io.accountsync.capture.ErrorMessages}), and whether a database still holds the log position a capture
 * resumes from ({@link io.accountsync.capture.LogRetention}, reading {@link io.accountsync.capture.StoredOffset}).
 */
package io.accountsync.capture;
