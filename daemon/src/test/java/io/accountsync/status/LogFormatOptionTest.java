package io.accountsync.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountsync.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code accountsync --log-format text|json}: applied before the subcommand runs, before or after its name. */
class LogFormatOptionTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;
    private Path config;

    @BeforeEach
    void setUp() throws Exception {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("app.pw"), "pw\n");
        config = dir.resolve("accountsync.yml");
        Files.writeString(config, """
                environments:
                  wiki1:
                    dialect: postgresql
                    connection: {host: 127.0.0.1, database: app, user: sync, password_file: app.pw}
                    profile: {type: generic, table: users, key_column: id, username_column: username, fields: {email: email}}
                """);
    }

    @AfterEach
    void tearDown() {
        LogFormat.TEXT.apply();
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    @Test
    void shouldLogJsonLinesWhenAskedBeforeTheSubcommand() throws Exception {
        int code = Main.execute("--log-format", "json", "config", "check", "-c", config.toString());
        LoggerFactory.getLogger("io.accountsync.test.Option").info("after the option");

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(System.getProperty(LogFormat.PROPERTY)).isEqualTo("json");
        String last = err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("after the option"))
                .findFirst().orElseThrow();
        JsonNode n = new ObjectMapper().readTree(last);
        assertThat(n.get("message").asText()).isEqualTo("after the option");
        assertThat(n.get("logger").asText()).isEqualTo("io.accountsync.test.Option");
    }

    @Test
    void shouldAcceptTheOptionAfterTheSubcommandToo() {
        int code = Main.execute("config", "check", "--log-format", "JSON", "-c", config.toString());

        assertThat(code).isZero();
        assertThat(System.getProperty(LogFormat.PROPERTY)).isEqualTo("json");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("config OK");
    }

    @Test
    void shouldRefuseAnUnknownFormat() {
        int code = Main.execute("--log-format", "xml", "config", "check", "-c", config.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("'--log-format'").contains("expected text or json");
    }
}
