package io.accountsync.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.config.ProfileConfig;
import io.accountsync.config.Role;
import io.accountsync.model.Dialect;
import io.accountsync.profile.AppSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvSpecTest {

    @Test
    void shouldDeriveSlotAndPublicationAsCaptureDoes() {
        EnvSpec spec = EnvSpec.of(Specs.env("wiki-1", Dialect.POSTGRESQL, Role.BOTH, "sync", Map.of()));
        assertThat(spec.slotName()).isEqualTo("accountsync_wiki_1");
        assertThat(spec.publicationName()).isEqualTo("accountsync_wiki_1");
        assertThat(spec.publicationMode()).isEqualTo("filtered");
        assertThat(spec.captured()).containsExactly(new TableRef("public", "users"));
        assertThat(spec.written()).containsExactly(new TableRef("public", "users"));
    }

    @Test
    void shouldTakeDebeziumPassthroughOverDefaults() {
        EnvSpec spec = EnvSpec.of(Specs.env("a", Dialect.POSTGRESQL, Role.BOTH, "sync",
                Map.of("slot.name", "my_slot", "publication.name", "my_pub", "publication.autocreate.mode", "disabled")));
        assertThat(spec.slotName()).isEqualTo("my_slot");
        assertThat(spec.publicationName()).isEqualTo("my_pub");
        assertThat(spec.publicationMode()).isEqualTo("disabled");
    }

    @Test
    void shouldPutMariaDbTablesInTheConnectionsDatabaseAndHaveNoSlot() {
        EnvSpec spec = Specs.maria(Role.SOURCE, "sync");
        assertThat(spec.captured()).containsExactly(new TableRef("wiki", "users"));
        assertThat(spec.slotName()).isNull();
        assertThat(spec.reads()).isTrue();
        assertThat(spec.writes()).isFalse();
        assertThat(spec.tablePrivileges()).containsExactly(Map.entry(new TableRef("wiki", "users"),
                java.util.Set.of("SELECT")));
    }

    @Test
    void shouldNameEveryMappedColumnWithItsConfigKey() {
        assertThat(Specs.pg(Role.BOTH, "sync").mappedColumns()).containsExactly(
                Map.entry("id", "profile.key_column"),
                Map.entry("username", "profile.username_column"),
                Map.entry("full_name", "profile.fields.display_name"),
                Map.entry("email", "profile.fields.email"),
                Map.entry("updated_at", "profile.last_activity_column"));
    }

    @Test
    void shouldListEveryTableOfABuiltinProfileOnce() {
        EnvSpec spec = EnvSpec.of(Specs.env("wiki", Dialect.MARIADB, Role.BOTH, "sync",
                ProfileConfig.builtin("mediawiki", AppSettings.DEFAULTS), Map.of()));
        assertThat(spec.captured()).containsExactly(new TableRef("wiki", "user"));
        assertThat(spec.tables()).containsExactly(new TableRef("wiki", "user"), new TableRef("wiki", "actor"));
        assertThat(spec.mappedColumns()).isEmpty();
    }
}
