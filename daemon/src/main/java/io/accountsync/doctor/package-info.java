/**
 * {@code accountsync doctor}: checks each environment's prerequisites against the real database and
 * says how to fix each problem. {@link io.accountsync.doctor.Doctor} runs, per enabled environment,
 * the {@link io.accountsync.doctor.ConnectionChecks} (reachable, credentials, database), then
 * {@link io.accountsync.doctor.PostgresChecks} (logical decoding) or
 * {@link io.accountsync.doctor.BinlogChecks} (MariaDB/MySQL binlog and grants), and
 * {@link io.accountsync.doctor.ProfileChecks} (the profile's tables, columns and privileges). Each
 * checker gathers facts with a few catalog queries and judges them in pure functions, so the
 * judgement is unit-tested without a database. Results are {@link io.accountsync.doctor.Check}
 * records; {@link io.accountsync.doctor.ReportFormat} renders them as text or JSON.
 */
package io.accountsync.doctor;
