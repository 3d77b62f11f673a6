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
        return "jdbc:h2:file:" + file + ";AUTO_SERVER=FALSE";
    }

    /** Whether the store is an embedded H2 database (the default), which only one daemon may open. */
    public boolean isH2() {
        return url == null || url.startsWith("jdbc:h2:");
    }
}
