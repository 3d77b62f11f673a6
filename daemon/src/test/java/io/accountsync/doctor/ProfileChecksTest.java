package io.accountsync.doctor;

import static io.accountsync.doctor.Specs.named;
import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.config.ProfileConfig;
import io.accountsync.config.Role;
import io.accountsync.model.Dialect;
import io.accountsync.profile.AppSettings;
import io.accountsync.profile.GenericMapping;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileChecksTest {
    private static final TableRef PG_USERS = new TableRef("public", "users");

    @Test
    void shouldFailAMissingTableNamingItAndTheConfigKey() {
        List<Check> checks = ProfileChecks.schema(Specs.pg(Role.BOTH, "sync"), Map.of(), "sync");
        Check c = named(checks, "tables");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).isEqualTo("missing: public.users");
        assertThat(c.fix()).contains("profile.table: users").contains("schema public").contains("database wiki");
        assertThat(checks).extracting(Check::name).doesNotContain("columns");
    }

    @Test
    void shouldFailAMappedColumnThatIsNotThere() {
        Map<String, String> fields = Map.of("display_name", "nickname");
        GenericMapping m = new GenericMapping(null, "users", "id", "username", fields, null, false, null);
        EnvSpec spec = EnvSpec.of(Specs.env("a", Dialect.POSTGRESQL, Role.BOTH, "sync", ProfileConfig.generic(m), Map.of()));
        Check c = named(ProfileChecks.schema(spec, Map.of(PG_USERS, Specs.table(PG_USERS, 'f')), "sync"), "columns");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).isEqualTo("public.users has no column nickname (profile.fields.display_name)");
        assertThat(c.fix()).contains("profile.fields.display_name: nickname is not a column of public.users")
                .contains("id, username, full_name, email, updated_at");
    }

    @Test
    void shouldCompareMariaDbColumnsCaseInsensitively() {
        TableRef users = new TableRef("wiki", "users");
        TableInfo upper = new TableInfo(users, List.of("ID", "UserName", "Full_Name", "EMAIL", "updated_at"),
                true, true, true, false, null, List.of());
        Check c = named(ProfileChecks.schema(Specs.maria(Role.BOTH, "sync"), Map.of(users, upper), "'sync'@'%'"), "columns");
        assertThat(c.status()).isEqualTo(Status.OK);
    }

    @Test
    void shouldListTheBuiltinProfilesTablesWhenOneIsMissing() {
        EnvSpec spec = EnvSpec.of(Specs.env("wiki", Dialect.MARIADB, Role.BOTH, "sync",
                ProfileConfig.builtin("mediawiki", AppSettings.DEFAULTS), Map.of()));
        TableRef user = new TableRef("wiki", "user");
        Check c = named(ProfileChecks.schema(spec, Map.of(user, Specs.table(user, null)), "'sync'@'%'"), "tables");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).isEqualTo("missing: wiki.actor");
        assertThat(c.fix()).contains("mediawiki profile expects wiki.user, wiki.actor")
                .contains("GRANT SELECT ON `wiki`.* TO 'sync'@'%';");
    }

    @Test
    void shouldGrantReadOnSourcesAndWriteOnTargets() {
        TableInfo none = new TableInfo(PG_USERS, Specs.userColumns(), false, false, false, false, 'f', List.of());
        List<Check> source = ProfileChecks.privileges(Specs.pg(Role.SOURCE, "sync"), Map.of(PG_USERS, none), Sql::pgTable, "sync");
        assertThat(source).extracting(Check::name).containsExactly("read privileges");
        assertThat(source.get(0).fix()).isEqualTo("GRANT SELECT ON public.users TO sync;");

        List<Check> target = ProfileChecks.privileges(Specs.pg(Role.TARGET, "sync"), Map.of(PG_USERS, none), Sql::pgTable, "sync");
        assertThat(target).extracting(Check::name).containsExactly("write privileges");
        assertThat(target.get(0).status()).isEqualTo(Status.FAIL);
        assertThat(target.get(0).fix()).isEqualTo("GRANT SELECT, INSERT, UPDATE ON public.users TO sync;");

        TableInfo readOnly = new TableInfo(new TableRef("wiki", "users"), Specs.userColumns(), true, false, false, false, null, List.of());
        List<Check> maria = ProfileChecks.privileges(Specs.maria(Role.BOTH, "weak"),
                Map.of(new TableRef("wiki", "users"), readOnly), Sql::myTable, "'weak'@'127.0.0.1'");
        assertThat(named(maria, "read privileges").status()).isEqualTo(Status.OK);
        assertThat(named(maria, "write privileges").fix()).isEqualTo("GRANT INSERT, UPDATE ON `wiki`.`users` TO 'weak'@'127.0.0.1';");
    }
}
