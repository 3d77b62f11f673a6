package io.accountsync.config;

import io.accountsync.connect.Secret;
import java.nio.file.Path;

/**
 * Where accountsync keeps its own state (links, canonical values, offsets, audit log).
 *
 * @param url      a JDBC URL ({@code jdbc:postgresql:} or {@code jdbc:h2:}), or null for the
 *                 default H2 file under the data directory
 * @param user     the database user, or null
 * @param password the password (prints as [hidden]), or null
 */
public record StateStoreConfig(String url, String user, Secret password) {

    /** The state store's file name (without H2's suffix) under {@code <data_dir>/state}. */
    public static final String DEFAULT_H2_NAME = "accountsync";

    public StateStoreConfig {
        if (url != null && !(url.startsWith("jdbc:postgresql:") || url.startsWith("jdbc:h2:"))) {
            throw new IllegalArgumentException("state store url must start with jdbc:postgresql: or jdbc:h2:");
        }
    }

    /** The configured URL, or the default H2 file {@code <dataDir>/state/accountsync}. */
    public String effectiveUrl(Path dataDir) {
        if (url != null) {
            return url;
        }
        Path file = dataDir.resolve("state").resolve(DEFAULT_H2_NAME).toAbsolutePath().normalize();
        // AUTO_SERVER: the first process to open the file serves it to the others, so that CLI
        // commands (accountsync conflicts list, ...) can open the store while the daemon runs.
        // Without it the daemon's file lock would turn them away. H2 then listens on a random
        // TCP port, guarded by a random key kept in the lock file next to the database.
        return "jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE";
    }

    /**
     * Whether the store is an H2 database (the default). Other processes such as CLI commands may
     * open the default file while the daemon runs, but only one daemon may use it.
     */
    public boolean isH2() {
        return url == null || url.startsWith("jdbc:h2:");
    }
}
