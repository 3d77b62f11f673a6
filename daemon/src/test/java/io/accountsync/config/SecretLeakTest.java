package io.accountsync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No toString, problem message or exception may show a secret's value. */
class SecretLeakTest {

    private static final String SECRET = "Tr0ub4dor&3-known-secret";
    private static final String FILE_SECRET = "file-held-secret-42";
    private static final String LITERAL = "literal-secret-in-yaml";

    @TempDir
    Path dir;

    @Test
    void shouldNeverShowSecretsOfALoadedConfig() throws Exception {
        Files.writeString(dir.resolve("pw"), FILE_SECRET + "\n");
        Path file = dir.resolve("a.yml");
        Files.writeString(file, "state_store:\n  password_file: pw\n" + ConfigLoaderTest.minimal(""));

        AccountsyncConfig config = ConfigLoader.load(file, Map.of("WIKI1_PASSWORD", SECRET)::get);

        assertThat(config.environment("wiki1").connection().password().reveal()).isEqualTo(SECRET);
        assertThat(config.stateStore().password().reveal()).isEqualTo(FILE_SECRET);
        assertThat(config.toString()).doesNotContain(SECRET).doesNotContain(FILE_SECRET).contains("[hidden]");
        assertThat(config.environment("wiki1").connection().describe()).doesNotContain(SECRET);
    }

    @Test
    void shouldNeverShowSecretsInProblems() throws Exception {
        Files.writeString(dir.resolve("pw"), FILE_SECRET);
        Path file = dir.resolve("a.yml");
        // Problems everywhere around the secrets: a literal password, a typed key next to a good
        // secret, a wrong type where a secret belongs, both password and password_file, a bad port.
        Files.writeString(file, """
                state_store:
                  url: jdbc:oracle:thin:%3$s
                  password: %2$s
                environments:
                  wiki1:
                    dialect: postgresql
                    connection:
                      host: 127.0.0.1
                      port: 99999
                      database: app
                      user: sync
                      password: ${WIKI1_PASSWORD}
                      password_file: pw
                    profile:
                      type: generic
                      table: users
                      key_column: id
                      username_column: username
                      fields:
                        email: email
                    debezium:
                      database.password: %3$s
                      other: [%3$s]
                  wiki2:
                    dialect: mariadb
                    connection:
                      host: 127.0.0.1
                      database: app
                      user: sync
                      password: %3$s
                """.formatted(SECRET, "[" + LITERAL + "]", LITERAL));

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(file, Map.of("WIKI1_PASSWORD", SECRET)::get));

        assertThat(e.problems()).hasSizeGreaterThanOrEqualTo(6);
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        for (String shown : new String[] {e.getMessage(), e.toString(), e.problems().toString(), trace.toString()}) {
            assertThat(shown).doesNotContain(SECRET).doesNotContain(FILE_SECRET).doesNotContain(LITERAL);
        }
    }

    @Test
    void shouldNotQuoteTheLineOfASyntaxError() throws Exception {
        Path file = dir.resolve("a.yml");
        Files.writeString(file, "environments:\n  wiki1:\n    connection:\n      password: \"" + LITERAL + "\n  bad: [\n");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, Map.<String, String>of()::get));

        assertThat(e.getMessage()).startsWith("YAML syntax error at line ").doesNotContain(LITERAL);
    }
}
