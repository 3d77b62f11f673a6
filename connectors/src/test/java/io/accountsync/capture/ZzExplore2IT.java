package io.accountsync.capture;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import io.accountsync.connect.Secret;
import io.accountsync.model.RowChange;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ZzExplore2IT extends CaptureEnginePostgresIT {
    @Test
    void exploreSlotInUse() throws Exception {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getTurboFilterList().clear();
        execute("insert into accounts (id, name) values (1, 'ann')");
        RecordingSink s1 = new RecordingSink();
        CaptureEngine e1 = start(settings(password()), s1);
        awaitChange(s1, RowChange.Op.READ, 1);
        try (CapturedLogs logs = CapturedLogs.start("io.debezium", "org.apache.kafka")) {
            CaptureSettings other = new CaptureSettings(env + "b", connection(password()), List.of(table()),
                    Files.createTempDirectory("x"), 0, "cap_" + database, "cap_" + database, null, null);
            CaptureEngine e2 = start(other, new RecordingSink());
            await().atMost(TIMEOUT).until(() -> e2.state().isFinal());
            System.out.println("E2 " + e2.state() + " " + e2.lastError());
            for (String l : logs.linesContaining(db.password())) {
                System.out.println("LEAK>>> " + l.substring(0, Math.min(3000, l.length())));
            }
        }
    }
}
