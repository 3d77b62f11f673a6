package io.accountsync.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.connect.Secret;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class SqlTest {

    @Test
    void shouldQuotePostgresIdentifiersOnlyWhenNeeded() {
        assertThat(Sql.pgIdent("users")).isEqualTo("users");
        assertThat(Sql.pgIdent("user")).isEqualTo("\"user\"");
        assertThat(Sql.pgIdent("Users")).isEqualTo("\"Users\"");
        assertThat(Sql.pgIdent("my-db")).isEqualTo("\"my-db\"");
        assertThat(Sql.pgIdent("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(Sql.pgTable(new TableRef("mediawiki", "user"))).isEqualTo("mediawiki.\"user\"");
    }

    @Test
    void shouldQuoteMariaDbNamesAndAccounts() {
        assertThat(Sql.myTable(new TableRef("wiki", "us`er"))).isEqualTo("`wiki`.`us``er`");
        assertThat(Sql.myAccount("o'neil", "%")).isEqualTo("'o''neil'@'%'");
    }

    @Test
    void shouldHideThePasswordAndCollapseTheMessage() {
        String m = Sql.message(new SQLException("(conn=7) bad\n  login pw=hunter2 again"), Secret.of("hunter2"));
        assertThat(m).isEqualTo("bad login pw=[hidden] again");
        assertThat(Sql.message(new SQLException("x".repeat(1000)), null)).hasSize(Sql.MAX_MESSAGE + 1);
    }
}
