package io.accountsync.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ConfigKeysTest {

    @Test
    void shouldDeclareEveryKeyOnceWithADoc() {
        assertThat(ConfigKeys.ALL).extracting(ConfigKey::path).doesNotHaveDuplicates();
        assertThat(ConfigKeys.ALL).allSatisfy(k -> {
            assertThat(k.doc()).isNotBlank().doesNotContain("\n");
            assertThat(k.type().describe()).isNotBlank();
        });
    }

    @Test
    void shouldDeclarePerEnvironmentKeysAndThePassthroughUnderOnePattern() {
        assertThat(ConfigKeys.find("environments.<name>.connection.port")).isSameAs(ConfigKeys.PORT);
        assertThat(ConfigKeys.find("environments.<name>.debezium.*")).isSameAs(ConfigKeys.DEBEZIUM);
        assertThat(ConfigKeys.DEBEZIUM.isPassthrough()).isTrue();
        assertThat(ConfigKeys.ENVIRONMENTS.isEntries()).isTrue();
        assertThat(ConfigKeys.PORT.pathFor("wiki1")).isEqualTo("environments.wiki1.connection.port");
        assertThat(ConfigKeys.DEBEZIUM.pathFor("wiki1")).isEqualTo("environments.wiki1.debezium");
        assertThat(ConfigKeys.isSection("environments.<name>.connection")).isTrue();
        assertThat(ConfigKeys.isSection("environments.<name>.connection.port")).isFalse();
        assertThat(ConfigKeys.childrenOf("")).containsExactly(
                "data_dir", "dry_run", "sql_dir", "sync_fields", "conflicts", "state_store", "metrics", "apply", "environments");
    }

    @Test
    void shouldGenerateOneReferenceRowPerKey() {
        String md = ConfigReference.markdown();
        assertThat(md.lines().filter(l -> l.startsWith("| `")).count()).isEqualTo(ConfigKeys.ALL.size());
        assertThat(md).startsWith("| key | type | default | description |\n| --- | --- | --- | --- |\n");
        assertThat(md).contains("| `dry_run` | boolean | `true` |")
                .contains("| `environments.<name>.connection.port` | integer 1..65535 | per dialect")
                .contains("| `environments.<name>.dialect` | postgresql \\| mariadb \\| mysql | required |")
                .contains("| `apply.retry_initial` | duration (250ms, 5s, 2m, 1h) | `500ms` |")
                .contains("| `sync_fields` | list of fields | `[display_name, email]` |")
                .contains("| `environments.<name>.debezium.*` |");
        assertThat(md.lines().map(l -> l.split("(?<!\\\\)\\|", -1).length).collect(Collectors.toSet()))
                .as("every row has four cells").containsExactly(6);
    }
}
