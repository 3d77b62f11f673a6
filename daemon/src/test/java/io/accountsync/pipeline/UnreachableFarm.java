package io.accountsync.pipeline;

import io.accountsync.config.AccountsyncConfig;
import io.accountsync.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A configuration of generic PostgreSQL environments whose databases cannot be reached (port 1 of 127.0.0.1
 * refuses every connection), with an H2 state store under {@code dir}: for tests of the pipeline that feed it
 * themselves, or that need every read to fail.
 */
final class UnreachableFarm {
    private UnreachableFarm() {
    }

    /** @param head the configuration's top-level lines before {@code environments:} (data_dir, dry_run, conflicts) */
    static AccountsyncConfig config(Path dir, String head, List<String> envs) throws Exception {
        Files.writeString(dir.resolve("pw"), "unused\n");
        StringBuilder yaml = new StringBuilder(head).append("environments:\n");
        for (String env : envs) {
            yaml.append("  ").append(env).append(":\n").append("""
                        dialect: postgresql
                        connection: {host: 127.0.0.1, port: 1, database: app_%s, user: sync, password_file: pw}
                        profile:
                          type: generic
                          table: users
                          key_column: id
                          username_column: username
                          last_activity_column: modified
                          fields: {email: email, display_name: full_name}
                    """.formatted(env));
        }
        Path config = dir.resolve("accountsync.yaml");
        Files.writeString(config, yaml);
        return ConfigLoader.load(config);
    }
}
