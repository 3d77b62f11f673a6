package io.accountsync.config;

import static org.assertj.core.api.Assertions.assertThat;

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

/** {@code accountsync config check -c FILE}: exit 0 for a good file, 2 for a bad one. */
class ConfigCheckCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void captureOutput() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreOutput() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldAcceptAGoodFile() throws Exception {
        Files.writeString(dir.resolve("wiki1.pw"), "secret\n");
        Path file = dir.resolve("good.yml");
        Files.writeString(file, ConfigLoaderTest.minimal("").replace("password: ${WIKI1_PASSWORD}", "password_file: wiki1.pw"));

        int code = Main.execute("config", "check", "-c", file.toString());

        assertThat(code).as(err()).isZero();
        assertThat(out()).isEqualTo("config OK: 1 environment (wiki1)" + System.lineSeparator());
    }

    @Test
    void shouldListEveryProblemOfABadFile() throws Exception {
        Path file = dir.resolve("bad.yml");
        Files.writeString(file, "colour: blue\n" + ConfigLoaderTest.minimal("").replace("${WIKI1_PASSWORD}", "hunter2"));

        int code = Main.execute("config", "check", "--config", file.toString());

        assertThat(code).isEqualTo(2);
        assertThat(out()).isEmpty();
        assertThat(err().lines()).containsExactly(
                "config has 2 problem(s):",
                "colour: unknown key (known: data_dir, dry_run, sql_dir, sync_fields, conflicts, state_store, metrics, apply, environments)",
                "environments.wiki1.connection.password: literal passwords are not allowed: use ${ENV_VAR} or password_file");
    }

    @Test
    void shouldFailClearlyOnAMissingFile() {
        Path file = dir.resolve("missing.yml");

        int code = Main.execute("config", "check", "-c", file.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err()).contains("config has 1 problem(s):", "config file " + file.toAbsolutePath() + " does not exist");
    }

    @Test
    void shouldAskForASubcommand() {
        assertThat(Main.execute("config")).isEqualTo(2);
        assertThat(err()).contains("Missing required subcommand");
    }

    @Test
    void shouldRequireTheConfigOption() {
        assertThat(Main.execute("config", "check")).isEqualTo(2);
        assertThat(err()).contains("Missing required option: '--config=FILE'");
    }
}
