package io.accountsync.testsupport;

import io.accountsync.model.Dialect;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The private instances that fault suites may restart, stop, lock and purge ({@code ops/dev/databases}, started only
 * when named): {@link #pgfault()} (127.0.0.1:25435) and {@link #pgfault2()} (:25436), set up like pg1, and
 * {@link #mariadbfault()} (:23308), set up like mariadb. The shared pg1, pg2 and mariadb are never touched this way.
 *
 * <p>An accessor starts its instance when it is not running and remembers that it did; {@link #stopStarted()} stops
 * those again. When an instance cannot be started, the calling test is skipped — or fails under {@code CI=true}.
 */
public final class FaultDatabases {

    private static final Map<String, DbInstance> STARTED = new LinkedHashMap<>();

    private FaultDatabases() {
    }

    /** PostgreSQL 15, wal_level=logical, on 127.0.0.1:25435. */
    public static DbInstance pgfault() {
        return running("pgfault", Dialect.POSTGRESQL, 25435);
    }

    /** PostgreSQL 15, wal_level=logical, on 127.0.0.1:25436. */
    public static DbInstance pgfault2() {
        return running("pgfault2", Dialect.POSTGRESQL, 25436);
    }

    /** MariaDB with a ROW/FULL binlog and GTID strict mode, on 127.0.0.1:23308. */
    public static DbInstance mariadbfault() {
        return running("mariadbfault", Dialect.MARIADB, 23308);
    }

    /** Stops every instance an accessor of this JVM started (the ones that ran before are left running). */
    public static synchronized void stopStarted() {
        for (DbInstance db : STARTED.values()) {
            db.stop();
        }
        STARTED.clear();
    }

    private static synchronized DbInstance running(String name, Dialect dialect, int port) {
        String host = orDefault(TestDatabases.setting("ACCOUNTSYNC_PG1_HOST"), "127.0.0.1");
        String user = orDefault(TestDatabases.setting("ACCOUNTSYNC_DB_USER"), "accountsync");
        String password = orDefault(TestDatabases.setting("ACCOUNTSYNC_DB_PASSWORD"), "accountsync-dev");
        DbInstance db = new DbInstance(name, dialect, host, port, user, password);
        if (db.reachable()) {
            return db;
        }
        try {
            db.start();
        } catch (RuntimeException e) {
            String msg = "fault instance " + db.describe() + " could not be started: " + e.getMessage();
            if (TestDatabases.isCi()) {
                throw new AssertionError(msg + " (CI=true: failing instead of skipping)", e);
            }
            Assumptions.assumeTrue(false, msg);
        }
        STARTED.put(name, db);
        return db;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
