package io.accountsync.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.val;

import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.tools.jdbc.MockConnection;
import org.jooq.tools.jdbc.MockResult;
import org.junit.jupiter.api.Test;

/**
 * How {@link StatementBatches} groups a batch's statements into JDBC batches, seen by a mock JDBC connection that
 * records each execution: what ran, as a batch of how many, in which order.
 */
class StatementBatchesTest {
    private static final Table<?> USERS = table(name("users"));
    private static final Field<String> NAME = field(name("full_name"), String.class);
    private static final Field<String> EMAIL = field(name("email"), String.class);
    private static final Field<String> ID = field(name("id"), String.class);

    /** One execution the database saw: its SQL, and its bind sets (one for a single statement). */
    private record Execution(String sql, List<List<Object>> bindSets) {
        int binds() {
            return bindSets.size();
        }
    }

    private final List<Execution> executions = new ArrayList<>();
    private int rowsPerStatement = 1;
    private final DSLContext dsl = DSL.using(new MockConnection(ctx -> {
        if (ctx.batch()) {
            executions.add(new Execution(ctx.batchSQL()[0],
                    java.util.Arrays.stream(ctx.batchBindings()).map(java.util.Arrays::asList).toList()));
            MockResult[] results = new MockResult[ctx.batchBindings().length];
            java.util.Arrays.fill(results, new MockResult(rowsPerStatement, null));
            return results;
        }
        executions.add(new Execution(ctx.sql(), List.of(java.util.Arrays.asList(ctx.bindings()))));
        return new MockResult[] {new MockResult(rowsPerStatement, null)};
    }), SQLDialect.POSTGRES);

    private Query rename(String id, String to) {
        return dsl.update(USERS).set(NAME, val(to)).where(ID.eq(val(id)));
    }

    private Query insert(String id) {
        return dsl.insertInto(USERS).columns(ID).values(val(id));
    }

    private Query insertNamed(String id, String name) {
        return dsl.insertInto(USERS).columns(ID, NAME).values(val(id), val(name));
    }

    private Query email(String id, String to) {
        return dsl.update(USERS).set(EMAIL, val(to)).where(ID.eq(val(id)));
    }

    @Test
    void shouldSendUpdatesOfTheSameColumnsForManyAccountsAsOneBatch() {
        List<List<Query>> perPatch = new ArrayList<>();
        List<Long> accounts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            perPatch.add(List.of(rename("k" + i, "Name " + i)));
            accounts.add((long) i);
        }

        StatementBatches.Counts counts = StatementBatches.execute(dsl, perPatch, accounts);

        assertThat(executions).hasSize(1);
        assertThat(executions.get(0).binds()).isEqualTo(50);
        assertThat(counts.rows()).isEqualTo(50);
        assertThat(counts.unknown()).isFalse();
    }

    @Test
    void shouldRunEachPatchsStatementsInOrderAndGroupTheirStepsAcrossAccounts() {
        // Three creates (insert, then update), and an update of another shape between them.
        List<List<Query>> perPatch = List.of(
                List.of(insert("a"), rename("a", "A")),
                List.of(email("x", "x@example.org")),
                List.of(insert("b"), rename("b", "B")),
                List.of(insert("c"), rename("c", "C")));

        StatementBatches.Counts counts = StatementBatches.execute(dsl, perPatch, List.of(1L, 2L, 3L, 4L));

        assertThat(executions).extracting(Execution::binds).containsExactly(3, 1, 3);
        assertThat(executions.get(0).sql()).startsWith("insert");
        assertThat(executions.get(1).sql()).contains("\"email\"");
        assertThat(executions.get(2).sql()).contains("\"full_name\"");
        assertThat(counts.rows()).isEqualTo(7);
    }

    @Test
    void shouldKeepAnAccountsPatchesInTheirOrder() {
        // Account 1 is created, then renamed again in the same batch: its second patch starts a new run, so it
        // cannot join the create's own update (and be overwritten by it).
        List<List<Query>> perPatch = List.of(
                List.of(insert("a"), rename("a", "A")),
                List.of(rename("b", "B")),
                List.of(rename("a", "A2")));

        StatementBatches.execute(dsl, perPatch, List.of(1L, 2L, 1L));

        assertThat(executions).extracting(e -> e.bindSets().get(0))
                .containsExactly(List.of("a"), List.of("B", "b"), List.of("A", "a"), List.of("A2", "a"));
    }

    @Test
    void shouldKeepInsertsInTheOrderOfThePatchesSoGeneratedKeysComeOutAsInADryRunsFile() {
        // Inserts of two shapes, interleaved: grouping them by SQL would give b its key before a's and c's.
        List<List<Query>> perPatch = List.of(
                List.of(insert("a")),
                List.of(insertNamed("b", "B")),
                List.of(insert("c")),
                List.of(insert("d")),
                List.of(rename("x", "X")),
                List.of(rename("y", "Y")));

        StatementBatches.execute(dsl, perPatch, List.of(1L, 2L, 3L, 4L, 5L, 6L));

        assertThat(executions).extracting(Execution::bindSets).containsExactly(
                List.of(List.of("a")),
                List.of(List.of("b", "B")),
                List.of(List.of("c"), List.of("d")),
                List.of(List.of("X", "x"), List.of("Y", "y")));
    }

    @Test
    void shouldRunAPatchWithInsertsAfterItsFirstStatementOnItsOwn() {
        // A patch that inserts twice (a user and its actor, say) would otherwise see its second insert moved
        // after the first inserts of the patches behind it.
        List<List<Query>> perPatch = List.of(
                List.of(insert("a"), insert("a-actor")),
                List.of(insert("b"), insert("b-actor")),
                List.of(rename("x", "X")));

        StatementBatches.execute(dsl, perPatch, List.of(1L, 2L, 3L));

        assertThat(executions).extracting(e -> e.bindSets().get(0)).containsExactly(
                List.of("a"), List.of("a-actor"), List.of("b"), List.of("b-actor"), List.of("X", "x"));
    }

    @Test
    void shouldSayWhenTheDriverDoesNotCountABatchsRows() {
        rowsPerStatement = Statement.SUCCESS_NO_INFO;
        StatementBatches.Counts counts = StatementBatches.execute(dsl,
                List.of(List.of(rename("a", "A")), List.of(rename("b", "B"))), List.of(1L, 2L));

        assertThat(counts.unknown()).isTrue();
        assertThat(counts.rows()).isZero();
    }
}
