package io.accountsync.connect;

import io.accountsync.model.Dialect;
import java.util.Objects;
import java.util.Properties;

/**
 * How to reach one environment's database.
 *
 * @param dialect  postgresql, mariadb or mysql
 * @param host     host name or address
 * @param port     TCP port
 * @param database database name
 * @param user     user name
 * @param password the password (prints as [hidden])
 */
public record ConnectionSettings(Dialect dialect, String host, int port, String database, String user, Secret password) {

    public ConnectionSettings {
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        password = password == null ? Secret.of("") : password;
    }

    /** The JDBC URL, without credentials. */
    public String jdbcUrl() {
        return switch (dialect) {
            // stringtype=unspecified lets PostgreSQL type string binds from the column they meet.
            case POSTGRESQL -> "jdbc:postgresql://" + host + ":" + port + "/" + database
                    + "?stringtype=unspecified&ApplicationName=accountsync";
            case MARIADB -> "jdbc:mariadb://" + host + ":" + port + "/" + database;
            case MYSQL -> "jdbc:mysql://" + host + ":" + port + "/" + database
                    + "?useUnicode=true&characterEncoding=UTF-8";
        };
    }

    /** Driver properties carrying the credentials. */
    public Properties jdbcProperties() {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password.reveal());
        // Fail fast when a host is down: the callers retry with backoff.
        if (dialect == Dialect.POSTGRESQL) {
            p.setProperty("connectTimeout", "5");
        } else {
            p.setProperty("connectTimeout", "5000");
        }
        return p;
    }

    /** A one-line description safe to log: no password. */
    public String describe() {
        return dialect.configName() + "://" + user + "@" + host + ":" + port + "/" + database;
    }
}
