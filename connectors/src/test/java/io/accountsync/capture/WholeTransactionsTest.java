package io.accountsync.capture;

import static io.accountsync.capture.WholeTransactions.Marker.BEGIN;
import static io.accountsync.capture.WholeTransactions.Marker.END;
import static io.accountsync.capture.WholeTransactions.Marker.OTHER;
import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.model.RowChange;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WholeTransactionsTest {

    private static WholeTransactions.Item row(String tx, int id) {
        RowChange.Op op = tx == null ? RowChange.Op.READ : RowChange.Op.UPDATE;
        return new WholeTransactions.Row(new RowChange("e", "db.users", op, tx == null ? null : Map.of(),
                Map.of("id", id), Instant.EPOCH, "p" + id, tx));
    }

    private static List<Object> ids(WholeTransactions.Released r) {
        return r.rows().stream().map(c -> c.after().get("id")).toList();
    }

    @Test
    void shouldReleaseWholeTransactionsAndRowsOutsideAnyAtOnce() {
        WholeTransactions t = new WholeTransactions();

        WholeTransactions.Released r = t.accept(List.of(row(null, 1), OTHER, BEGIN, row("7", 2), row("7", 3), END));

        assertThat(ids(r)).containsExactly(1, 2, 3);
        assertThat(r.markable()).isEqualTo(6);
        assertThat(r.splitOpen()).isFalse();
        assertThat(t.held()).isZero();
    }

    @Test
    void shouldHoldATransactionWithoutItsEndUntilTheBatchThatBringsIt() {
        WholeTransactions t = new WholeTransactions();

        WholeTransactions.Released first = t.accept(List.of(BEGIN, row("7", 1), END, BEGIN, row("8", 2), row("8", 3)));
        assertThat(ids(first)).containsExactly(1);
        assertThat(first.markable()).as("up to the first END: the open transaction's records stay unmarked").isEqualTo(3);
        assertThat(t.held()).isEqualTo(2);

        WholeTransactions.Released middle = t.accept(List.of(row("8", 4)));
        assertThat(middle.rows()).isEmpty();
        assertThat(middle.markable()).isZero();
        assertThat(t.held()).isEqualTo(3);

        WholeTransactions.Released last = t.accept(List.of(row("8", 5), END, OTHER));
        assertThat(ids(last)).containsExactly(2, 3, 4, 5);
        assertThat(last.markable()).isEqualTo(3);
        assertThat(t.held()).isZero();
    }

    @Test
    void shouldNotMarkAHeartbeatThatComesWhileATransactionIsOpen() {
        WholeTransactions t = new WholeTransactions();

        WholeTransactions.Released r = t.accept(List.of(OTHER, BEGIN, OTHER));

        assertThat(r.rows()).isEmpty();
        assertThat(r.markable()).isEqualTo(1);
    }

    @Test
    void shouldReleaseWhatIsHeldWhenABeginComesWithoutAnEnd() {
        WholeTransactions t = new WholeTransactions();
        t.accept(List.of(BEGIN, row("7", 1)));

        WholeTransactions.Released r = t.accept(List.of(BEGIN, row("8", 2), END));

        assertThat(ids(r)).containsExactly(1, 2);
        assertThat(r.markable()).isEqualTo(3);
    }

    @Test
    void shouldReleaseATransactionLargerThanTheLimitInPartsAndMarkThem() {
        WholeTransactions t = new WholeTransactions(3);

        WholeTransactions.Released small = t.accept(List.of(BEGIN, row("7", 1), row("7", 2), row("7", 3)));
        assertThat(small.rows()).as("at the limit: still held").isEmpty();
        assertThat(small.splitOpen()).isFalse();

        WholeTransactions.Released part = t.accept(List.of(row("7", 4)));
        assertThat(ids(part)).containsExactly(1, 2, 3, 4);
        assertThat(part.splitOpen()).isTrue();
        assertThat(part.markable()).isEqualTo(1);

        WholeTransactions.Released second = t.accept(List.of(row("7", 5), row("7", 6), row("7", 7), row("7", 8)));
        assertThat(ids(second)).containsExactly(5, 6, 7, 8);
        assertThat(second.splitOpen()).as("said once per transaction").isFalse();

        WholeTransactions.Released rest = t.accept(List.of(row("7", 9), END, BEGIN, row("8", 10), row("8", 11),
                row("8", 12), row("8", 13)));
        assertThat(ids(rest)).containsExactly(9, 10, 11, 12, 13);
        assertThat(rest.splitOpen()).as("the next transaction's first part").isTrue();
        assertThat(rest.markable()).isEqualTo(7);
    }
}
