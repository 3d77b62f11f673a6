package io.accountsync.status;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountsync.capture.LogSecrets;
import io.accountsync.connect.Secret;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

/** The daemon's own logback.xml, in both formats: fields, the environment, and no secrets. */
class LogLineEncoderTest {
    private static final String SECRET = "Enc0der-Okapi-9931";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;
    private String savedFormat;
    private LoggerContext context;

    @BeforeEach
    void setUp() {
        savedErr = System.err;
        savedFormat = System.getProperty(LogFormat.PROPERTY);
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        LogSecrets.register(Secret.of(SECRET));
        LogEnvironments.clear();
        LogEnvironments.register("wiki", "db1", 5432);
    }

    @AfterEach
    void tearDown() {
        if (context != null) {
            context.stop();
        }
        System.setErr(savedErr);
        if (savedFormat == null) {
            System.clearProperty(LogFormat.PROPERTY);
        } else {
            System.setProperty(LogFormat.PROPERTY, savedFormat);
        }
        LogEnvironments.clear();
        MDC.clear();
    }

    /** A fresh logging context configured from src/main/resources/logback.xml, in the given format. */
    private Logger logger(String format, String name) throws Exception {
        System.setProperty(LogFormat.PROPERTY, format);
        context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());   // the one slf4j's MDC writes to
        JoranConfigurator jc = new JoranConfigurator();
        jc.setContext(context);
        jc.doConfigure(LogLineEncoderTest.class.getResource("/logback.xml"));
        return context.getLogger(name);
    }

    private List<String> lines() {
        List<String> out = new ArrayList<>();
        for (String l : err.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!l.isBlank()) {
                out.add(l);
            }
        }
        return out;
    }

    private void logSome(Logger log) throws InterruptedException {
        MDC.put("env", "trac");
        log.info("capture of {} started", "trac");
        MDC.remove("env");
        log.warn("connecting with password={} failed\nsecond line", SECRET);
        log.error("apply failed", new SQLException("FATAL: password authentication failed; password " + SECRET));
        Thread t = new Thread(() -> log.info("from a Debezium thread"),
                "debezium-postgresconnector-accountsync_wiki-change-event-source-coordinator");
        t.start();
        t.join();
    }

    @Test
    void shouldWriteOneJsonObjectPerLineWithTheEnvironmentAndNoSecret() throws Exception {
        logSome(logger("json", "io.accountsync.test.Json"));

        List<String> lines = lines();
        assertThat(lines).hasSize(4);
        List<JsonNode> events = new ArrayList<>();
        for (String l : lines) {
            JsonNode n = JSON.readTree(l);
            assertThat(n.fieldNames()).toIterable().contains("timestamp", "level", "thread", "logger", "env", "message");
            assertThat(n.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
            events.add(n);
        }
        assertThat(events.get(0).get("env").asText()).isEqualTo("trac");
        assertThat(events.get(0).get("level").asText()).isEqualTo("INFO");
        assertThat(events.get(0).get("logger").asText()).isEqualTo("io.accountsync.test.Json");
        assertThat(events.get(0).get("message").asText()).isEqualTo("capture of trac started");
        assertThat(events.get(1).get("env").isNull()).isTrue();
        assertThat(events.get(1).get("message").asText()).contains("password=[hidden]").contains("\nsecond line");
        assertThat(events.get(2).get("exception").asText()).contains("SQLException").contains("[hidden]");
        assertThat(events.get(3).get("env").asText()).isEqualTo("wiki");
        assertThat(events.get(3).get("thread").asText()).startsWith("debezium-postgresconnector-");
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain(SECRET);
    }

    @Test
    void shouldWriteTextLinesWithTheEnvironmentAndNoSecret() throws Exception {
        logSome(logger("text", "io.accountsync.test.Text"));

        String text = err.toString(StandardCharsets.UTF_8);
        List<String> lines = lines();
        assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[.+] trac i.a.t.Text - "
                + "capture of trac started");
        assertThat(lines.get(1)).contains(" - i.a.t.Text - connecting with password=[hidden] failed");
        assertThat(text).contains("SQLException").contains("wiki i.a.t.Text - from a Debezium thread");
        assertThat(text).doesNotContain(SECRET);
    }

    @Test
    void shouldFallBackToTextForAnUnknownFormat() throws Exception {
        logger("yaml", "io.accountsync.test.Unknown").info("hello");

        assertThat(lines()).anyMatch(l -> l.endsWith(" - i.a.t.Unknown - hello"));
    }
}
