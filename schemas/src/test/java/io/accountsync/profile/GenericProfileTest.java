package io.accountsync.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accountsync.model.AccountChange;
import io.accountsync.model.Dialect;
import io.accountsync.model.Patch;
import io.accountsync.model.RowChange;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

class GenericProfileTest {
    private static final Map<String, String> FIELDS = new LinkedHashMap<>(Map.of("display_name", "full_name", "email", "email"));
    private static final GenericMapping MAPPING = new GenericMapping(null, "users", "id", "username", FIELDS, "updated_at", false, null);
    private static final Instant COMMIT = Instant.parse("2026-03-01T12:00:00Z");

    private final GenericProfile pg = new GenericProfile(MAPPING, Dialect.POSTGRESQL, "app");
    private final GenericProfile maria = new GenericProfile(MAPPING, Dialect.MARIADB, "app");

    private static Map<String, Object> row(Object id, String user, String name, String email) {
        Map<String, Object> r = new HashMap<>();
        r.put("id", id);
        r.put("username", user);
        r.put("full_name", name);
        r.put("email", email);
        r.put("updated_at", Instant.parse("2025-12-24T08:00:00Z"));
        return r;
    }

    @Test
    void shouldCaptureTheMappedTableQualifiedAsTheSourceNamesIt() {
        assertThat(pg.capturedTables()).containsExactly("public.users");
        assertThat(maria.capturedTables()).containsExactly("app.users");
    }

    @Test
    void shouldNormalizeAnUpdateIntoOneAccountChange() throws Exception {
        RowChange rc = new RowChange("a", "public.users", RowChange.Op.UPDATE, row(7, "tom", "Tom", "t@x"),
                row(7, "tom", "Tommy", "t@x"), COMMIT, "lsn=1", "99");
        List<AccountChange> out = pg.normalize(rc);
        assertThat(out).hasSize(1);
        AccountChange c = out.get(0);
        assertThat(c.localKey()).isEqualTo("7");
        assertThat(c.username()).isEqualTo("tom");
        assertThat(c.after()).containsEntry("display_name", "Tommy").containsEntry("email", "t@x");
        assertThat(c.edits("display_name")).isTrue();
        assertThat(c.edits("email")).isFalse();
        assertThat(c.commitTime()).isEqualTo(COMMIT);
        assertThat(c.txId()).isEqualTo("99");
    }

    @Test
    void shouldDateASnapshotReadByTheLastActivityColumn() throws Exception {
        RowChange rc = new RowChange("a", "public.users", RowChange.Op.READ, null, row(7, "tom", "Tom", "t@x"), COMMIT, "lsn=1", null);
        AccountChange c = pg.normalize(rc).get(0);
        assertThat(c.snapshot()).isTrue();
        assertThat(c.commitTime()).isEqualTo(Instant.parse("2025-12-24T08:00:00Z"));
    }

    @Test
    void shouldIgnoreOtherTablesAndRejectRowsWithoutUsername() throws Exception {
        assertThat(pg.normalize(new RowChange("a", "public.other", RowChange.Op.CREATE, null, row(1, "x", null, null), COMMIT, "p", null))).isEmpty();
        assertThatThrownBy(() -> pg.normalize(new RowChange("a", "public.users", RowChange.Op.CREATE, null, row(1, " ", null, null), COMMIT, "p", null)))
                .isInstanceOf(BadRowException.class).hasMessageContaining("username column username is empty for key 1");
    }

    @Test
    void shouldRejectBinaryValuesThatAreNotUtf8() {
        Map<String, Object> r = row(1, "tom", null, null);
        r.put("full_name", new byte[] {(byte) 0xff, (byte) 0xfe});
        assertThatThrownBy(() -> pg.normalize(new RowChange("a", "public.users", RowChange.Op.CREATE, null, r, COMMIT, "p", null)))
                .isInstanceOf(BadRowException.class).hasMessageContaining("full_name").hasMessageContaining("UTF-8");
    }

    @Test
    void shouldWriteOnlyWhenAValueDiffers() {
        DSLContext dsl = DSL.using(SQLDialect.POSTGRES);
        Patch p = new Patch("b", 1, "7", "tom", Patch.Kind.UPDATE, Map.of("display_name", "O'Brien; DROP TABLE users"), Map.of("display_name", "Old"), "why");
        String sql = dsl.renderInlined(pg.write(dsl, p, ColumnLimits.NONE).get(0));
        assertThat(sql).contains("update \"public\".\"users\"").contains("'O''Brien; DROP TABLE users'")
                .contains("is distinct from").contains("\"full_name\" is not distinct from 'Old'");
        DSLContext my = DSL.using(SQLDialect.MARIADB);
        String msql = my.renderInlined(maria.write(my, p, ColumnLimits.NONE).get(0));
        assertThat(msql).contains("`app`.`users`").contains("<=>");
    }

    @Test
    void shouldCreateIdempotently() {
        DSLContext dsl = DSL.using(SQLDialect.POSTGRES);
        Patch p = new Patch("b", 1, null, "tom", Patch.Kind.CREATE, Map.of("display_name", "Tom", "email", "t@x"), null, "why");
        List<String> sql = pg.write(dsl, p, ColumnLimits.NONE).stream().map(dsl::renderInlined).toList();
        assertThat(sql.get(0)).startsWith("insert into \"public\".\"users\"").contains("not exists");
        assertThat(sql.get(1)).startsWith("update").contains("\"username\" = 'tom'");
        // Over a row inserted meanwhile, only where it still holds what the create expects (null: empty).
        Patch later = new Patch("b", 1, null, "tom", Patch.Kind.CREATE, Map.of("display_name", "Tommy"),
                java.util.Collections.singletonMap("display_name", null), "why");
        assertThat(dsl.renderInlined(pg.write(dsl, later, ColumnLimits.NONE).get(1)))
                .contains("\"username\" = 'tom'").contains("\"full_name\" is not distinct from null");
    }

    @Test
    void shouldRejectValuesLongerThanTheColumnWithoutQuotingThem() {
        ColumnLimits limits = (t, c) -> new ColumnLimits.Limit(c.equals("full_name") ? OptionalInt.of(10) : OptionalInt.empty(), true, "character varying");
        assertThat(pg.rejects("display_name", "x".repeat(11), limits)).hasValueSatisfying(r ->
                assertThat(r).contains("11 characters").contains("full_name").contains("at most 10").doesNotContain("xxxxxxxxxxx"));
        assertThat(pg.rejects("display_name", "x".repeat(10), limits)).isEmpty();
        ColumnLimits utf8mb3 = (t, c) -> new ColumnLimits.Limit(OptionalInt.empty(), false, "varchar");
        assertThat(pg.rejects("display_name", "Tom \uD83D\uDE00", utf8mb3)).isPresent();
    }
}
