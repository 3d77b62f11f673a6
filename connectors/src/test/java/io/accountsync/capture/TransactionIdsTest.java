package io.accountsync.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accountsync.model.Dialect;
import org.junit.jupiter.api.Test;

class TransactionIdsTest {

    @Test
    void shouldReadThePostgresXidInsideTheTransaction() {
        assertThat(TransactionIds.ownTxIdSql(Dialect.POSTGRESQL)).isEqualTo("select txid_current() % 4294967296");
        assertThat(TransactionIds.readAfterCommit(Dialect.POSTGRESQL)).isFalse();
    }

    @Test
    void shouldReadTheMariaDbGtidAfterCommit() {
        assertThat(TransactionIds.ownTxIdSql(Dialect.MARIADB)).isEqualTo("select @@last_gtid");
        assertThat(TransactionIds.readAfterCommit(Dialect.MARIADB)).isTrue();
    }

    @Test
    void shouldRefuseMySqlWhichHasNoSuchSql() {
        assertThatThrownBy(() -> TransactionIds.ownTxIdSql(Dialect.MYSQL))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldMarkOnlyStatementsThatStartWithTheTag() {
        assertThat(TransactionIds.tagged("0-1-7", TransactionIds.TAG + "update user set x = 1")).isEqualTo("0-1-7+accountsync");
        assertThat(TransactionIds.tagged("0-1-7", "update user set note = '" + TransactionIds.TAG + "'")).isEqualTo("0-1-7");
        assertThat(TransactionIds.tagged("0-1-7", null)).isEqualTo("0-1-7");
        assertThat(TransactionIds.tagged(null, TransactionIds.TAG + "update user set x = 1")).isNull();
        assertThat(TransactionIds.isTagged("0-1-7+accountsync")).isTrue();
        assertThat(TransactionIds.isTagged("0-1-7")).isFalse();
        assertThat(TransactionIds.isTagged(null)).isFalse();
    }
}
