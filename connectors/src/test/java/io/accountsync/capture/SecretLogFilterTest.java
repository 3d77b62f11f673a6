package io.accountsync.capture;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.accountsync.connect.Secret;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs with the filter that logback-test.xml installs. */
class SecretLogFilterTest {

    private static final Logger LOG = LoggerFactory.getLogger("io.debezium.test.SecretLogFilterTest");
    private static final String SECRET = "filter-test-Pa55-" + System.nanoTime();

    @Test
    void shouldLogEventsWithARegisteredSecretRedactedAtTheSameLevel() {
        LogSecrets.register(Secret.of(SECRET));
        try (CapturedLogs logs = CapturedLogs.capture()) {
            LOG.warn("Config #0: {database.password={}, database.user=sync}", SECRET);
            LOG.error("Engine has failed with ",
                    new IllegalStateException("config " + SECRET, new SQLException("root " + SECRET)));
            LOG.info("nothing secret {}", 42);
            LOG.debug("below the level {}", SECRET);

            assertThat(logs.linesContaining(SECRET)).isEmpty();
            assertThat(logs.events()).extracting(e -> e.getLevel().toString(), ILoggingEvent::getFormattedMessage)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("WARN",
                                    "Config #0: {database.password=[hidden], database.user=sync} [secrets hidden]"),
                            org.assertj.core.groups.Tuple.tuple("ERROR", "Engine has failed with  [secrets hidden]"),
                            org.assertj.core.groups.Tuple.tuple("INFO", "nothing secret 42"));
            String error = logs.lines().get(1);
            assertThat(error).contains("java.lang.IllegalStateException: config [hidden]")
                    .contains("Caused by: ").contains("java.sql.SQLException: root [hidden]")
                    .contains("SecretLogFilterTest"); // the original stack trace is kept
        }
    }

    @Test
    void shouldTreatATrailingThrowableArgumentAsTheException() {
        LogSecrets.register(Secret.of(SECRET));
        try (CapturedLogs logs = CapturedLogs.capture()) {
            LOG.warn("failed for {}", "wiki", new RuntimeException("password " + SECRET));

            assertThat(logs.linesContaining(SECRET)).isEmpty();
            assertThat(logs.events()).singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).isEqualTo("failed for wiki [secrets hidden]"));
            assertThat(logs.lines().get(0)).contains("java.lang.RuntimeException: password [hidden]");
        }
    }
}
