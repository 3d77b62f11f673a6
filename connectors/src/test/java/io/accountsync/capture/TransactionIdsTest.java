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
}
