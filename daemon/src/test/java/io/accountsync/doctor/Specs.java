package io.accountsync.doctor;

import io.accountsync.config.EnvironmentConfig;
import io.accountsync.config.ProfileConfig;
import io.accountsync.config.Role;
import io.accountsync.connect.ConnectionSettings;
import io.accountsync.connect.Secret;
import io.accountsync.model.Dialect;
import io.accountsync.profile.GenericMapping;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Environments and table facts for the doctor's unit tests. */
final class Specs {
    static final String PASSWORD = "s3cret-Pa55";

    private Specs() {
    }

    static GenericMapping users() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("display_name", "full_name");
        fields.put("email", "email");
        return new GenericMapping(null, "users", "id", "username", fields, "updated_at", false, null);
    }

    static EnvironmentConfig env(String name, Dialect dialect, Role role, String user, Map<String, String> debezium) {
        return env(name, dialect, role, user, ProfileConfig.generic(users()), debezium);
    }

    static EnvironmentConfig env(String name, Dialect dialect, Role role, String user, ProfileConfig profile,
                                 Map<String, String> debezium) {
        ConnectionSettings cs = new ConnectionSettings(dialect, "db.example", dialect.defaultPort(), "wiki", user,
                Secret.of(PASSWORD));
        return new EnvironmentConfig(name, dialect, true, role, true, cs, profile, debezium);
    }

    static EnvSpec pg(Role role, String user) {
        return EnvSpec.of(env("a", Dialect.POSTGRESQL, role, user, Map.of()));
    }

    static EnvSpec maria(Role role, String user) {
        return EnvSpec.of(env("c", Dialect.MARIADB, role, user, Map.of()));
    }

    static List<String> userColumns() {
        return List.of("id", "username", "full_name", "email", "updated_at");
    }

    /** A table the user may do everything with. */
    static TableInfo table(TableRef ref, Character replicaIdentity) {
        return new TableInfo(ref, userColumns(), true, true, true, true, replicaIdentity, List.of());
    }

    static Check named(List<Check> checks, String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + " in " + checks));
    }
}
