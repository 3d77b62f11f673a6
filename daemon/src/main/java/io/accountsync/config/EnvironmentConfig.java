package io.accountsync.config;

import io.accountsync.connect.ConnectionSettings;
import io.accountsync.model.Dialect;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One application database.
 *
 * @param name          the environment's name (the key under {@code environments})
 * @param dialect       the database family; equals {@code connection.dialect()}
 * @param enabled       whether the daemon serves this environment at all
 * @param role          read, write or both
 * @param createMissing whether accounts that exist in other environments are created here
 * @param connection    how to reach the database (the password prints as [hidden])
 * @param profile       how the application stores accounts
 * @param debezium      settings passed to this environment's Debezium engine unchanged, in file order
 */
public record EnvironmentConfig(
        String name,
        Dialect dialect,
        boolean enabled,
        Role role,
        boolean createMissing,
        ConnectionSettings connection,
        ProfileConfig profile,
        Map<String, String> debezium) {

    /** Environment names: short, lower case, safe in file names, metric labels and slot names. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

    public EnvironmentConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(profile, "profile");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid environment name '" + name + "': must match " + NAME.pattern());
        }
        if (connection.dialect() != dialect) {
            throw new IllegalArgumentException("environment " + name + ": connection dialect differs from the environment's");
        }
        debezium = debezium == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(debezium));
    }

    /** Whether the daemon captures changes from this environment. */
    public boolean reads() {
        return enabled && role.reads();
    }

    /** Whether the daemon writes merged results to this environment. */
    public boolean writes() {
        return enabled && role.writes();
    }
}
