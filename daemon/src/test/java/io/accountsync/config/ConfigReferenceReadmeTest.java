package io.accountsync.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration reference must be the one generated from {@link ConfigKeys}. Run with
 * {@code -Daccountsync.updateReadme=true} to rewrite it instead of failing.
 */
class ConfigReferenceReadmeTest {

    static final String START = "<!-- config-reference:start -->\n";
    static final String END = "<!-- config-reference:end -->";

    @Test
    void shouldMatchTheGeneratedConfigReference() throws IOException {
        Path readme = findReadme();
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        assertThat(start).as("%s has a %s marker", readme, START.strip()).isGreaterThanOrEqualTo(0);
        assertThat(end).as("%s has a %s marker after the start marker", readme, END).isGreaterThan(start);

        String current = text.substring(start + START.length(), end);
        String generated = ConfigReference.markdown();
        if (Boolean.getBoolean("accountsync.updateReadme")) {
            if (!current.equals(generated)) {
                Files.writeString(readme, text.substring(0, start + START.length()) + generated + text.substring(end),
                        StandardCharsets.UTF_8);
            }
            return;
        }
        assertThat(current)
                .as("the configuration reference in %s is out of date: run "
                        + "mvn -B -o test -pl daemon -am -Dtest=ConfigReferenceReadmeTest -Dsurefire.failIfNoSpecifiedTests=false "
                        + "-Daccountsync.updateReadme=true", readme)
                .isEqualTo(generated);
    }

    /** README.md of the project: the nearest one at or above the working directory. */
    static Path findReadme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path readme = dir.resolve("README.md");
            if (Files.isRegularFile(readme)) {
                return readme;
            }
        }
        throw new AssertionError("no README.md at or above " + Path.of("").toAbsolutePath());
    }
}
