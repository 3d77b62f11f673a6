package io.accountsync.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.connect.Secret;
import io.debezium.DebeziumException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ErrorMessagesTest {

    private static final Secret PASSWORD = Secret.of("s3cr3t-Pa55");

    @Test
    void shouldGiveTheRootCauseClassAndMessage() {
        Throwable e = new ExecutionException(new DebeziumException("Error while starting",
                new SQLException("FATAL: password authentication failed for user \"sync\"")));

        assertThat(ErrorMessages.safe(e, PASSWORD))
                .isEqualTo("SQLException: FATAL: password authentication failed for user \"sync\"");
    }

    @Test
    void shouldUseTheNearestMessageWhenTheRootCauseHasNone() {
        Throwable e = new IllegalStateException("could not connect", new ConnectException());

        assertThat(ErrorMessages.safe(e)).isEqualTo("ConnectException: could not connect");
    }

    @Test
    void shouldHideSecretsAndRemoveConfigurationDumps() {
        Throwable e = new org.apache.kafka.connect.errors.ConnectException(
                "Failed to connect JDBC offset backing store: {connector.class=io.debezium.connector.postgresql."
                        + "PostgresConnector, database.hostname=db1, database.password=s3cr3t-Pa55, name=sync}");

        String message = ErrorMessages.safe(e, PASSWORD);

        assertThat(message).doesNotContain("s3cr3t-Pa55").doesNotContain("database.hostname")
                .isEqualTo("ConnectException: Failed to connect JDBC offset backing store: {configuration removed}");
    }

    @Test
    void shouldHideASecretWhereverItAppears() {
        Throwable e = new SQLException("login as sync/s3cr3t-Pa55 refused; retry s3cr3t-Pa55");

        assertThat(ErrorMessages.safe(e, PASSWORD))
                .isEqualTo("SQLException: login as sync/[hidden] refused; retry [hidden]");
    }

    @Test
    void shouldHideValuesAssignedToSecretLookingKeysItWasNotTold() {
        assertThat(ErrorMessages.clean("url jdbc:x://h/db?user=a&password=hunter2&ssl=true, other.api.token = abc"))
                .isEqualTo("url jdbc:x://h/db?user=a&password=[hidden]&ssl=true, other.api.token = [hidden]");
        assertThat(ErrorMessages.clean("{\"user\": \"a\", \"password\": \"hun\\\"ter2\"}"))
                .isEqualTo("{\"user\": \"a\", \"password\": \"[hidden]\"}");
        assertThat(ErrorMessages.clean("database.password=[hidden], x")).isEqualTo("database.password=[hidden], x");
    }

    @Test
    void shouldLeaveProseAboutPasswordsAlone() {
        assertThat(ErrorMessages.clean("Access denied for user 'sync'@'10.0.0.1' (using password: YES)"))
                .isEqualTo("Access denied for user 'sync'@'10.0.0.1' (using password: YES)");
    }

    @Test
    void shouldRemoveAConfigurationListedInProse() {
        assertThat(ErrorMessages.clean("Unable to start with configuration: database.user=sync, database.port=5432\n"
                + "second line"))
                .isEqualTo("Unable to start with configuration removed second line");
    }

    @Test
    void shouldCollapseWhitespaceAndCutLongMessages() {
        String message = ErrorMessages.safe(new RuntimeException("a\n\tb " + "x".repeat(1000)));

        assertThat(message).startsWith("RuntimeException: a b xxx").endsWith("...")
                .hasSize(ErrorMessages.MAX_LENGTH + "RuntimeException: ".length());
    }

    @Test
    void shouldCopeWithNullsAndCycles() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);

        assertThat(ErrorMessages.safe(null)).isEqualTo("unknown error");
        assertThat(ErrorMessages.safe(new RuntimeException(), (Secret[]) null)).isEqualTo("RuntimeException");
        assertThat(ErrorMessages.safe(b, Secret.of(""))).isEqualTo("RuntimeException: a");
    }
}
