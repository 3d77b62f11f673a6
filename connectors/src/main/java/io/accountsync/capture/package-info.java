/**
 * The capture stage: one Debezium embedded engine per environment ({@link io.accountsync.capture.CaptureEngine}),
 * its settings and lifecycle, the conversion of Debezium records to {@link io.accountsync.model.RowChange}s, the SQL
 * that tells accountsync the transaction id of its own writes ({@link io.accountsync.capture.TransactionIds}), and
 * the sanitizing of Debezium's error messages, which carry the connector configuration and its passwords
 * ({@link io.accountsync.capture.ErrorMessages}).
 */
package io.accountsync.capture;
