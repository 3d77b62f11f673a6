package io.accountsync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accountsync.connect.ConnectionSettings;
import io.accountsync.connect.Secret;
import io.accountsync.model.Dialect;
import io.accountsync.profile.AppSettings;
import io.accountsync.profile.GenericMapping;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigRecordsTest {

    private static EnvironmentConfig env(String name) {
        return new EnvironmentConfig(name, Dialect.MYSQL, true, Role.BOTH, true,
                new ConnectionSettings(Dialect.MYSQL, "h", 3306, "db", "u", Secret.of("p")),
                ProfileConfig.generic(new GenericMapping(null, "users", "id", "name", Map.of("email", "mail"), null, false, null)),
                Map.of());
    }

    @Test
    void shouldTellWhatARoleReadsAndWrites() {
        assertThat(Role.BOTH.reads()).isTrue();
        assertThat(Role.BOTH.writes()).isTrue();
        assertThat(Role.SOURCE.reads()).isTrue();
        assertThat(Role.SOURCE.writes()).isFalse();
        assertThat(Role.TARGET.reads()).isFalse();
        assertThat(Role.TARGET.writes()).isTrue();
        assertThat(Role.fromConfigName("target")).isEqualTo(Role.TARGET);
        assertThat(Role.fromConfigName("TARGET")).isNull();
    }

    @Test
    void shouldDefaultTheStateStoreToAnH2FileUnderTheDataDir() {
        StateStoreConfig none = new StateStoreConfig(null, null, null);
        assertThat(none.isH2()).isTrue();
        assertThat(none.effectiveUrl(Path.of("/srv/as"))).isEqualTo("jdbc:h2:file:/srv/as/state/accountsync;AUTO_SERVER=TRUE");

        StateStoreConfig pg = new StateStoreConfig("jdbc:postgresql://db/as", "as", Secret.of("x"));
        assertThat(pg.isH2()).isFalse();
        assertThat(pg.effectiveUrl(Path.of("/srv/as"))).isEqualTo("jdbc:postgresql://db/as");
        assertThat(new StateStoreConfig("jdbc:h2:mem:x", null, null).isH2()).isTrue();
        assertThat(pg.toString()).doesNotContain("password=x");
    }

    @Test
    void shouldValidateInCompactConstructors() {
        assertThatThrownBy(() -> new MetricsConfig(true, "127.0.0.1", 65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ApplyConfig(0, Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ApplyConfig(1, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StateStoreConfig("jdbc:oracle:x", null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProfileConfig("redmine", null, null))
                .hasMessage("unknown profile type 'redmine' (known: generic, trac, mediawiki, moodle)");
        assertThatThrownBy(() -> env("Bad Name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AccountsyncConfig(Path.of("/c.yml"), Path.of("/d"), true, Path.of("/d/sql"),
                List.of("email"), ConflictsConfig.DEFAULT, new StateStoreConfig(null, null, null), new MetricsConfig(true, "127.0.0.1", 0),
                new ApplyConfig(1, Duration.ofSeconds(1), Duration.ofSeconds(1)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AccountsyncConfig(Path.of("/c.yml"), Path.of("/d"), true, Path.of("/d/sql"),
                List.of("email"), ConflictsConfig.DEFAULT, new StateStoreConfig(null, null, null), new MetricsConfig(true, "127.0.0.1", 0),
                new ApplyConfig(1, Duration.ofSeconds(1), Duration.ofSeconds(1)), Map.of("a", env("b"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldPairEachProfileTypeWithItsOwnSettings() {
        GenericMapping mapping = new GenericMapping(null, "users", "id", "name", Map.of("email", "mail"), null, false, null);
        assertThatThrownBy(() -> new ProfileConfig("trac", null, null)).hasMessage("a trac profile needs its application settings");
        assertThatThrownBy(() -> new ProfileConfig("moodle", mapping, AppSettings.DEFAULTS))
                .hasMessage("a moodle profile has no generic mapping");
        assertThatThrownBy(() -> new ProfileConfig("generic", null, null)).hasMessage("a generic profile needs its mapping");
        assertThatThrownBy(() -> new ProfileConfig("generic", mapping, AppSettings.DEFAULTS))
                .hasMessage("a generic profile has no application settings");
        assertThatThrownBy(() -> ProfileConfig.builtin("moodle", new AppSettings(null, "mdl-", 1, null)))
                .hasMessage("table prefix 'mdl-' must match [A-Za-z0-9_]{0,32}");
        assertThatThrownBy(() -> ProfileConfig.builtin("moodle", new AppSettings(null, "mdl_", 0, null)))
                .hasMessage("mnethostid must be at least 1, got 0");
    }

    @Test
    void shouldTellWhatABuiltinProfileStoresAndHowItHashes() {
        ProfileConfig moodle = ProfileConfig.builtin("moodle", AppSettings.DEFAULTS);
        assertThat(moodle.isBuiltin()).isTrue();
        assertThat(moodle.generic()).isNull();
        assertThat(moodle.mappedFields()).containsExactly(
                "display_name", "given_name", "family_name", "email", "email_verified", "password", "status");
        assertThat(moodle.passwordScheme()).isEqualTo("moodle");
        assertThat(moodle.tablePrefix()).isEqualTo("mdl_");

        ProfileConfig trac = ProfileConfig.builtin("trac", new AppSettings(null, "", 1, "htpasswd"));
        assertThat(trac.mappedFields()).containsExactly("display_name", "email", "email_verified", "password");
        assertThat(trac.passwordScheme()).isEqualTo("htpasswd");
        assertThat(trac.tablePrefix()).isEmpty();

        ProfileConfig generic = ProfileConfig.generic(
                new GenericMapping(null, "users", "id", "name", Map.of("email", "mail"), null, false, "bcrypt"));
        assertThat(generic.isBuiltin()).isFalse();
        assertThat(generic.app()).isNull();
        assertThat(generic.mappedFields()).containsExactly("email");
        assertThat(generic.passwordScheme()).isEqualTo("bcrypt");
        assertThat(generic.tablePrefix()).isNull();
    }

    private static AccountsyncConfig config(List<String> syncFields, ConflictsConfig conflicts) {
        return new AccountsyncConfig(Path.of("/c.yml"), Path.of("/d"), true, Path.of("/d/sql"), syncFields, conflicts,
                new StateStoreConfig(null, null, null), new MetricsConfig(true, "127.0.0.1", 0),
                new ApplyConfig(1, Duration.ofSeconds(1), Duration.ofSeconds(1)), Map.of("a", env("a"), "b", env("b")));
    }

    @Test
    void shouldNameConflictPoliciesAndGranularities() {
        assertThat(ConflictPolicy.PRIORITY.configName()).isEqualTo("priority");
        assertThat(ConflictPolicy.fromConfigName("newer")).isEqualTo(ConflictPolicy.NEWER);
        assertThat(ConflictPolicy.fromConfigName("NEWER")).isNull();
        assertThat(Granularity.FIELD.configName()).isEqualTo("field");
        assertThat(Granularity.fromConfigName("record")).isEqualTo(Granularity.RECORD);
        assertThat(Granularity.fromConfigName("row")).isNull();
    }

    @Test
    void shouldValidateTheConflictsRecord() {
        assertThat(new ConflictsConfig(ConflictPolicy.NEWER, Granularity.FIELD, null).priority()).isEmpty();
        assertThatThrownBy(() -> new ConflictsConfig(ConflictPolicy.PRIORITY, Granularity.RECORD, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConflictsConfig(ConflictPolicy.SKIP, Granularity.RECORD, List.of("a")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConflictsConfig(ConflictPolicy.PRIORITY, Granularity.RECORD, List.of("a", "a")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConflictsConfig(null, Granularity.RECORD, List.of())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> config(List.of("email"), new ConflictsConfig(ConflictPolicy.PRIORITY, Granularity.RECORD, List.of("b", "z"))))
                .hasMessage("priority names environment 'z', which is not configured");
        assertThat(config(List.of("email"), new ConflictsConfig(ConflictPolicy.PRIORITY, Granularity.RECORD, List.of("b", "a")))
                .conflicts().priority()).containsExactly("b", "a");
    }

    @Test
    void shouldAddEmailVerifiedToTheEffectiveSyncFieldsRightAfterEmail() {
        assertThat(config(List.of("display_name", "email", "status"), ConflictsConfig.DEFAULT).effectiveSyncFields())
                .containsExactly("display_name", "email", "email_verified", "status");
        assertThat(config(List.of("email", "email_verified"), ConflictsConfig.DEFAULT).effectiveSyncFields())
                .containsExactly("email", "email_verified");
        assertThat(config(List.of("display_name"), ConflictsConfig.DEFAULT).effectiveSyncFields()).containsExactly("display_name");
    }

    @Test
    void shouldKeepDryRunsInTheirOwnDirectory() {
        AccountsyncConfig c = config(List.of("email"), ConflictsConfig.DEFAULT);
        assertThat(c.dryRunDir()).isEqualTo(Path.of("/d/dry-run"));
        assertThat(c.stateStore().effectiveUrl(c.dryRunDir())).isEqualTo("jdbc:h2:file:/d/dry-run/state/accountsync;AUTO_SERVER=TRUE");
    }

    @Test
    void shouldListEveryProblemOnItsOwnLine() {
        ConfigException e = new ConfigException(List.of(new ConfigProblem("a.b", "bad"), new ConfigProblem("", "file gone")));
        assertThat(e.getMessage()).isEqualTo("a.b: bad\nfile gone");
        assertThat(e.problems()).hasSize(2);
    }
}
