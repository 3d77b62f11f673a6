/**
 * Test support shared by every module (shipped as the schemas module's test-jar): the private,
 * CDC-ready development databases started by {@code ops/dev/databases}.
 *
 * <p>{@link io.accountsync.testsupport.TestDatabases} hands out the three instances
 * ({@code pg1}, {@code pg2}, {@code mariadb}) as {@link io.accountsync.testsupport.DbInstance}s;
 * tests create a fresh database per test with {@link io.accountsync.testsupport.DbInstance#createDatabase}
 * and drop it afterwards. When an instance is unreachable the test is skipped, or fails when the
 * environment variable {@code CI} is {@code true}. {@link io.accountsync.testsupport.FaultDatabases} hands out
 * the instances that fault suites may restart, stop and purge, starting them on demand.
 */
package io.accountsync.testsupport;
