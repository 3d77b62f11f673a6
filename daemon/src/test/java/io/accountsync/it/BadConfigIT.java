package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad configuration is refused whole, every problem named with its path, before anything starts. */
class BadConfigIT {

    @TempDir
    Path tmp;

    @Test
    void shouldListEveryProblemWithItsPathAndStartNothing() throws Exception {
        Path dataDir = tmp.resolve("data");
        Path config = tmp.resolve("bad.yaml");
        Files.writeString(config, """
                data_dir: %s
                dry_run: false
                colour: blue
                environments:
                  wiki1:
                    dialect: postgresql
                    connection:
                      host: 127.0.0.1
                      port: 5432
                      database: wiki
                      user: sync
                      password: ${ACCOUNTSYNC_SURELY_UNSET_VARIABLE}
                    profile:
                      type: generic
                      table: users
                      key_column: id
                      username_column: username
                      fields:
                        email: email
                  wiki2:
                    dialect: mariadb
                    connection:
                      host: 127.0.0.1
                      port: abc
                      database: wiki
                      user: sync
                      password_file: %s
                    profile:
                      type: generic
                      table: users
                      key_column: id
                      username_column: username
                      fields:
                        email: email
                  wiki1:
                    dialect: postgresql
                """.formatted(dataDir, tmp.resolve("pw")));
        Files.writeString(tmp.resolve("pw"), "x\n");
        for (String command : new String[] {"run", "config"}) {
            DaemonProcess.Result r = command.equals("run")
                    ? DaemonProcess.run(Map.of(), tmp.resolve("run.log"), "run", "-c", config.toString())
                    : DaemonProcess.run(Map.of(), tmp.resolve("check.log"), "config", "check", "-c", config.toString());
            assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
            assertThat(r.output())
                    .contains("colour")
                    .contains("environments.wiki1.connection.password")
                    .contains("ACCOUNTSYNC_SURELY_UNSET_VARIABLE")
                    .contains("environments.wiki2.connection.port")
                    .contains("wiki1");
            assertThat(r.output()).containsIgnoringCase("duplicate");
        }
        assertThat(dataDir).doesNotExist();
    }
}
