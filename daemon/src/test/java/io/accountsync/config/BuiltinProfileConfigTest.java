package io.accountsync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accountsync.profile.AppSettings;
import io.accountsync.profile.BuiltinProfiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in application profiles ({@code trac}, {@code mediawiki}, {@code moodle}) in the configuration. */
class BuiltinProfileConfigTest {

    @TempDir
    Path dir;

    private static final Map<String, String> ENV = Map.of("DB_PASSWORD", "pw", "WIKI1_PASSWORD", "pw-one", "WIKI2_PASSWORD", "pw-two");

    private static final String PASSWORD_REFUSED = "sync_fields: password cannot be synced: password hashes only travel "
            + "between environments whose profiles declare the same hash scheme: ";

    /**
     * One environment on its own database ({@code name} is the database), with {@code profileLines}
     * under {@code profile:} and {@code extraEnvLines} under the environment.
     */
    static String env(String name, String dialect, String profileLines, String extraEnvLines) {
        return """
                  %s:
                    dialect: %s
                    connection:
                      host: 127.0.0.1
                      database: %s
                      user: sync
                      password: ${DB_PASSWORD}
                    profile:
                """.formatted(name, dialect, name) + profileLines.indent(6) + extraEnvLines.indent(4);
    }

    static String env(String name, String dialect, String profileLines) {
        return env(name, dialect, profileLines, "");
    }

    static String config(String topLines, String... envs) {
        return topLines + (topLines.isEmpty() || topLines.endsWith("\n") ? "" : "\n") + "environments:\n" + String.join("", envs);
    }

    static final String TRAC = env("trac", "postgresql", "type: trac");
    static final String WIKI = env("wiki", "postgresql", "type: mediawiki");
    static final String LMS = env("lms", "mariadb", "type: moodle");

    private AccountsyncConfig load(String yaml) throws IOException, ConfigException {
        Path file = dir.resolve("accountsync.yml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, ENV::get);
    }

    private List<String> problemLines(String yaml) throws IOException {
        try {
            load(yaml);
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("expected problems, the config loaded:\n" + yaml);
    }

    // ---- BuiltinProfiles ----

    @Test
    void shouldDeclareTheBuiltinProfilesInOrder() {
        assertThat(BuiltinProfiles.TYPES).containsExactly("trac", "mediawiki", "moodle");
        assertThat(ProfileConfig.KNOWN_TYPES).containsExactly("generic", "trac", "mediawiki", "moodle");
        assertThat(BuiltinProfiles.isBuiltin("moodle")).isTrue();
        assertThat(BuiltinProfiles.isBuiltin("generic")).isFalse();
        assertThat(BuiltinProfiles.isBuiltin(null)).isFalse();
    }

    @Test
    void shouldGiveEachBuiltinProfileItsDefaults() {
        assertThat(BuiltinProfiles.defaultTablePrefix("trac")).isEmpty();
        assertThat(BuiltinProfiles.defaultTablePrefix("mediawiki")).isEmpty();
        assertThat(BuiltinProfiles.defaultTablePrefix("moodle")).isEqualTo("mdl_");
        assertThat(BuiltinProfiles.defaultPasswordScheme("trac")).isEqualTo("htdigest");
        assertThat(BuiltinProfiles.defaultPasswordScheme("mediawiki")).isEqualTo("mediawiki");
        assertThat(BuiltinProfiles.defaultPasswordScheme("moodle")).isEqualTo("moodle");
        assertThat(BuiltinProfiles.fields("trac")).containsExactly("display_name", "email", "email_verified", "password");
        assertThat(BuiltinProfiles.fields("mediawiki")).containsExactly("display_name", "email", "email_verified", "password");
        assertThat(BuiltinProfiles.fields("moodle")).containsExactly(
                "display_name", "given_name", "family_name", "email", "email_verified", "password", "status");
    }

    @Test
    void shouldRefuseToAnswerForAnUnknownProfileType() {
        for (String type : List.of("generic", "redmine")) {
            assertThatThrownBy(() -> BuiltinProfiles.fields(type))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("not a built-in profile type: '" + type + "' (built in: trac, mediawiki, moodle)");
            assertThatThrownBy(() -> BuiltinProfiles.defaultTablePrefix(type)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> BuiltinProfiles.defaultPasswordScheme(type)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> BuiltinProfiles.fields("trac").add("status")).isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- binding ----

    @Test
    void shouldBindBuiltinProfilesWithTheirDefaults() throws Exception {
        AccountsyncConfig c = load(config("", TRAC, WIKI, LMS));

        assertThat(c.environments().keySet()).containsExactly("trac", "wiki", "lms");
        ProfileConfig trac = c.environment("trac").profile();
        assertThat(trac.type()).isEqualTo("trac");
        assertThat(trac.generic()).isNull();
        assertThat(trac.isBuiltin()).isTrue();
        assertThat(trac.app()).isEqualTo(new AppSettings(null, "", 1, "htdigest"));
        assertThat(trac.mappedFields()).containsExactly("display_name", "email", "email_verified", "password");

        ProfileConfig wiki = c.environment("wiki").profile();
        assertThat(wiki.type()).isEqualTo("mediawiki");
        assertThat(wiki.app()).isEqualTo(new AppSettings(null, "", 1, "mediawiki"));
        assertThat(wiki.app().schema()).as("MediaWiki on PostgreSQL: the profile picks the schema").isNull();

        ProfileConfig lms = c.environment("lms").profile();
        assertThat(lms.type()).isEqualTo("moodle");
        assertThat(lms.app()).isEqualTo(new AppSettings(null, "mdl_", 1, "moodle"));
        assertThat(lms.tablePrefix()).isEqualTo("mdl_");
        assertThat(lms.passwordScheme()).isEqualTo("moodle");
        assertThat(lms.mappedFields()).contains("given_name", "family_name", "status");
    }

    @Test
    void shouldBindConfiguredBuiltinSettings() throws Exception {
        AccountsyncConfig c = load(config("",
                env("wiki", "postgresql", "type: mediawiki\nschema: mediawiki\ntable_prefix: wk_\npassword_scheme: pbkdf2"),
                env("lms", "mysql", "type: moodle\nschema: moodle2\ntable_prefix: \"\"\nmnethostid: 3"),
                env("trac", "mariadb", "type: trac\npassword_scheme: htpasswd")));

        assertThat(c.environment("wiki").profile().app()).isEqualTo(new AppSettings("mediawiki", "wk_", 1, "pbkdf2"));
        assertThat(c.environment("lms").profile().app()).isEqualTo(new AppSettings("moodle2", "", 3, "moodle"));
        assertThat(c.environment("trac").profile().app()).isEqualTo(new AppSettings(null, "", 1, "htpasswd"));
    }

    @Test
    void shouldMixBuiltinAndGenericEnvironments() throws Exception {
        AccountsyncConfig c = load(ConfigLoaderTest.minimal("") + LMS);
        assertThat(c.environment("wiki1").profile().generic().table()).isEqualTo("users");
        assertThat(c.environment("wiki1").profile().app()).isNull();
        assertThat(c.environment("lms").profile().app().tablePrefix()).isEqualTo("mdl_");
    }

    // ---- keys that belong to another profile type ----

    @Test
    void shouldRefuseGenericKeysUnderABuiltinProfile() throws Exception {
        String trac = env("trac", "postgresql", """
                type: trac
                table: users
                key_column: id
                username_column: username
                fields: {email: email}
                last_activity_column: seen
                case_insensitive_usernames: true
                """);
        assertThat(problemLines(config("", trac))).containsExactly(
                "environments.trac.profile.table: only for profile type generic (type is trac): remove it",
                "environments.trac.profile.key_column: only for profile type generic (type is trac): remove it",
                "environments.trac.profile.username_column: only for profile type generic (type is trac): remove it",
                "environments.trac.profile.fields: only for profile type generic (type is trac): remove it",
                "environments.trac.profile.last_activity_column: only for profile type generic (type is trac): remove it",
                "environments.trac.profile.case_insensitive_usernames: only for profile type generic (type is trac): remove it");
        assertThat(problemLines(config("", env("wiki", "mariadb", "type: mediawiki\ntable: user")))).containsExactly(
                "environments.wiki.profile.table: only for profile type generic (type is mediawiki): remove it");
    }

    @Test
    void shouldStillRequireTheTableMappingForGeneric() throws Exception {
        assertThat(problemLines(config("", env("shop", "mariadb", "type: generic\nfields: {email: mail}")))).containsExactly(
                "environments.shop.profile.table: is required",
                "environments.shop.profile.key_column: is required",
                "environments.shop.profile.username_column: is required");
        assertThat(problemLines(config("", env("shop", "mariadb", "type: generic\ntable: t\nkey_column: id\nusername_column: u"))))
                .containsExactly("environments.shop.profile.fields: is required");
    }

    @Test
    void shouldRefuseMnethostidOutsideMoodle() throws Exception {
        assertThat(problemLines(config("", env("trac", "postgresql", "type: trac\nmnethostid: 1")))).containsExactly(
                "environments.trac.profile.mnethostid: only for profile type moodle (type is trac): remove it");
        assertThat(problemLines(config("", env("wiki", "postgresql", "type: mediawiki\nmnethostid: 2")))).containsExactly(
                "environments.wiki.profile.mnethostid: only for profile type moodle (type is mediawiki): remove it");
        assertThat(problemLines(ConfigLoaderTest.minimal("").replace("type: generic", "type: generic\n      mnethostid: 1")))
                .containsExactly("environments.wiki1.profile.mnethostid: only for profile type moodle (type is generic): remove it");
    }

    @Test
    void shouldRefuseATablePrefixUnderGeneric() throws Exception {
        assertThat(problemLines(ConfigLoaderTest.minimal("").replace("type: generic", "type: generic\n      table_prefix: wk_")))
                .containsExactly("environments.wiki1.profile.table_prefix: only for profile types trac, mediawiki, moodle "
                        + "(type is generic): remove it");
    }

    @Test
    void shouldValidateTablePrefixAndMnethostid() throws Exception {
        String tooLong = "p".repeat(33);
        assertThat(problemLines(config("",
                env("a", "mariadb", "type: moodle\ntable_prefix: mdl-"),
                env("b", "mariadb", "type: moodle\ntable_prefix: " + tooLong),
                env("c", "mariadb", "type: mediawiki\ntable_prefix: 5"),
                env("d", "mariadb", "type: moodle\nmnethostid: 0"),
                env("e", "mariadb", "type: moodle\nmnethostid: \"2\"")))).containsExactly(
                "environments.a.profile.table_prefix: must be a table prefix matching [A-Za-z0-9_]{0,32}, got \"mdl-\"",
                "environments.b.profile.table_prefix: must be a table prefix matching [A-Za-z0-9_]{0,32}, got \"" + tooLong + "\"",
                "environments.c.profile.table_prefix: must be a table prefix matching [A-Za-z0-9_]{0,32} (quote it), got 5",
                "environments.d.profile.mnethostid: must be an integer of at least 1, got 0",
                "environments.e.profile.mnethostid: must be an integer of at least 1, got \"2\"");
        assertThat(load(config("", env("lms", "mariadb", "type: moodle\ntable_prefix: " + "p".repeat(32) + "\nmnethostid: 4000000000")))
                .environment("lms").profile().app()).isEqualTo(new AppSettings(null, "p".repeat(32), 4_000_000_000L, "moodle"));
    }

    @Test
    void shouldRefuseTwoEnvironmentsOnOneInstallation() throws Exception {
        String second = env("lms2", "mariadb", "type: moodle").replace("database: lms2", "database: lms");
        assertThat(problemLines(config("", LMS, second))).containsExactly("environments.lms2.connection: same database and "
                + "moodle tables as environments.lms (127.0.0.1:3306/lms, schema lms, table prefix 'mdl_')");
        // one database, two prefixes: two sites, fine
        assertThat(load(config("", LMS, env("lms2", "mariadb", "type: moodle\ntable_prefix: m2_")
                .replace("database: lms2", "database: lms"))).environments()).containsOnlyKeys("lms", "lms2");
        String wiki2 = env("wiki2", "postgresql", "type: mediawiki").replace("database: wiki2", "database: wiki");
        assertThat(problemLines(config("", WIKI, wiki2))).containsExactly("environments.wiki2.connection: same database and "
                + "mediawiki tables as environments.wiki (127.0.0.1:5432/wiki, the profile's default schema, table prefix '')");
    }

    // ---- synced fields ----

    @Test
    void shouldAcceptFieldsThatABuiltinProfileStores() throws Exception {
        AccountsyncConfig c = load(config("sync_fields: [display_name, email, status, given_name]", TRAC, LMS));
        assertThat(c.syncFields()).containsExactly("display_name", "email", "status", "given_name");
        assertThat(load(config("sync_fields: [display_name, email]", TRAC)).syncFields()).containsExactly("display_name", "email");
    }

    @Test
    void shouldRefuseFieldsThatNoEnvironmentStores() throws Exception {
        assertThat(problemLines(config("sync_fields: [email, status]", TRAC, WIKI))).containsExactly(
                "sync_fields[1]: field 'status' is mapped by no environment");
        assertThat(problemLines(config("sync_fields: [email, shoe_size]", LMS))).containsExactly(
                "sync_fields[1]: unknown field 'shoe_size': not built in (display_name, given_name, family_name, email, "
                        + "email_verified, password, status) and not declared by any generic mapping's fields");
    }

    // ---- passwords ----

    @Test
    void shouldRefusePasswordsBetweenMediawikiAndMoodleNamingBothSchemes() throws Exception {
        assertThat(problemLines(config("sync_fields: [email, password]", WIKI, LMS))).containsExactly(
                PASSWORD_REFUSED + "wiki (mediawiki), lms (moodle)");
        assertThat(problemLines(config("sync_fields: [email, password]", TRAC, ConfigLoaderTest.passwordEnv("shop", null, true))))
                .containsExactly(PASSWORD_REFUSED + "trac (htdigest), shop (none)");
    }

    @Test
    void shouldSyncPasswordsBetweenTwoMediawikiEnvironments() throws Exception {
        AccountsyncConfig c = load(config("sync_fields: [email, password]", WIKI, env("wiki2", "mariadb", "type: mediawiki")));
        assertThat(c.effectiveSyncFields()).containsExactly("email", "email_verified", "password");
        assertThat(c.environments().values()).extracting(e -> e.profile().passwordScheme()).containsExactly("mediawiki", "mediawiki");
    }

    @Test
    void shouldUseTheConfiguredSchemeOfABuiltinProfile() throws Exception {
        // a generic mapping that declares MediaWiki's scheme shares hashes with a MediaWiki
        assertThat(load(config("sync_fields: [email, password]", WIKI, ConfigLoaderTest.passwordEnv("shop", "mediawiki", true)))
                .environments()).containsOnlyKeys("wiki", "shop");
        // a Moodle declared to hash like the generic one
        assertThat(load(config("sync_fields: [email, password]",
                env("lms", "mariadb", "type: moodle\npassword_scheme: bcrypt"), ConfigLoaderTest.passwordEnv("shop", "bcrypt", true)))
                .environment("lms").profile().passwordScheme()).isEqualTo("bcrypt");
        assertThat(problemLines(config("sync_fields: [email, password]",
                env("wiki", "postgresql", "type: mediawiki\npassword_scheme: pbkdf2"), env("wiki2", "mariadb", "type: mediawiki"))))
                .containsExactly(PASSWORD_REFUSED + "wiki (pbkdf2), wiki2 (mediawiki)");
    }

    @Test
    void shouldCountOnlyEnabledEnvironmentsForPasswords() throws Exception {
        assertThat(load(config("sync_fields: [email, password]", WIKI, env("wiki2", "mariadb", "type: mediawiki"),
                env("lms", "mariadb", "type: moodle", "enabled: false"))).environment("lms").enabled()).isFalse();
        assertThat(problemLines(config("sync_fields: [email, password]", WIKI, env("lms", "mariadb", "type: moodle", "enabled: false"))))
                .containsExactly("sync_fields: password is synced but only one enabled environment maps it (wiki): it needs at least two");
    }

    // ---- reference ----

    @Test
    void shouldDescribeTheNewKeysInTheReference() {
        assertThat(ConfigKeys.find("environments.<name>.profile.table_prefix")).isSameAs(ConfigKeys.PROFILE_TABLE_PREFIX);
        assertThat(ConfigKeys.find("environments.<name>.profile.mnethostid")).isSameAs(ConfigKeys.PROFILE_MNETHOSTID);
        assertThat(ConfigKeys.profileTypesOf(ConfigKeys.PROFILE_TABLE)).containsExactly("generic");
        assertThat(ConfigKeys.profileTypesOf(ConfigKeys.PROFILE_TABLE_PREFIX)).containsExactly("trac", "mediawiki", "moodle");
        assertThat(ConfigKeys.profileTypesOf(ConfigKeys.PROFILE_MNETHOSTID)).containsExactly("moodle");
        assertThat(ConfigKeys.profileTypesOf(ConfigKeys.PROFILE_SCHEMA)).containsExactly("generic", "trac", "mediawiki", "moodle");

        String md = ConfigReference.markdown();
        assertThat(md)
                .contains("| `environments.<name>.profile.type` | generic \\| trac \\| mediawiki \\| moodle | required |")
                .contains("| `environments.<name>.profile.table_prefix` | string `[A-Za-z0-9_]{0,32}` | per profile: `mdl_` for moodle")
                .contains("| `environments.<name>.profile.mnethostid` | integer ≥ 1 | `1` | `moodle` only: ")
                .contains("| `environments.<name>.profile.table` | string | required with `type: generic` | `generic` only: ")
                .contains("| `environments.<name>.profile.password_scheme` | string | per profile: `htdigest` for trac");
    }
}
