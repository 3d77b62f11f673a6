package io.accountsync.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.model.Dialect;
import io.accountsync.model.RowChange;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FullReaderTest {
    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00.123456Z");

    private static RowChange change(Instant commit, String position) {
        return new RowChange("e", "db.users", RowChange.Op.UPDATE, Map.of(), Map.of(), commit, position, null);
    }

    @Test
    void shouldSkipPostgresChangesCommittedBeforeTheReadOnly() {
        FullReader.ReadMark mark = new FullReader.ReadMark("e", Dialect.POSTGRESQL, T0, null, -1);
        assertThat(FullReader.alreadyRead(mark, change(Instant.parse("2026-05-01T10:00:00.122Z"), "lsn=1"))).isTrue();
        // The same millisecond as the mark: not certain, so applied (again).
        assertThat(FullReader.alreadyRead(mark, change(Instant.parse("2026-05-01T10:00:00.123Z"), "lsn=2"))).isFalse();
        assertThat(FullReader.alreadyRead(mark, change(T0.plusSeconds(1), "lsn=3"))).isFalse();
    }

    @Test
    void shouldJudgeBinlogChangesByTheSnapshotsCoordinatesNotByTime() {
        FullReader.ReadMark mark = new FullReader.ReadMark("e", Dialect.MARIADB, T0, "mariadb-bin.000003", 5000);
        Instant longAgo = T0.minusSeconds(60);   // a statement that started long before but committed after the read
        assertThat(FullReader.alreadyRead(mark, change(longAgo, "0-1-77 mariadb-bin.000003:5200"))).isFalse();
        assertThat(FullReader.alreadyRead(mark, change(longAgo, "0-1-70 mariadb-bin.000003:4100"))).isTrue();
        assertThat(FullReader.alreadyRead(mark, change(longAgo, "0-1-10 mariadb-bin.000002:999999"))).isTrue();
        assertThat(FullReader.alreadyRead(mark, change(longAgo, "0-1-99 mariadb-bin.000004:4"))).isFalse();
        assertThat(FullReader.alreadyRead(mark, change(longAgo, "garbage"))).isFalse();
        assertThat(FullReader.alreadyRead(null, change(longAgo, "0-1-70 mariadb-bin.000003:4100"))).isFalse();
    }
}
