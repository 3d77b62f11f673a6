package io.accountsync.apply;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;
import org.jooq.Insert;
import org.jooq.Query;

/**
 * Runs the statements of a batch of patches, in one transaction, with as few round trips as their order allows.
 *
 * <p>Each patch's statements keep their order, and so do an account's patches. Statements of different accounts do
 * not depend on each other, so within a run of patches of distinct accounts the first statement of every patch runs
 * first, then the second ones, and so on; within each such step, statements of the same SQL (an update of the same
 * columns, account after account) go to the database as one JDBC batch: one prepare and one round trip instead of
 * one each. A patch of an account already in the run starts the next run. Inserts keep the order a
 * statement-by-statement run gives them, so the keys a target generates for new rows are the same as when a dry
 * run's file is replayed: only consecutive inserts of the same SQL are batched together.
 */
final class StatementBatches {
    /** Rows the statements changed; {@code unknown} when the driver did not say for some (a batch's "no info"). */
    record Counts(int rows, boolean unknown) {
    }

    private StatementBatches() {
    }

    /**
     * @param perPatch the statements of each patch, in order
     * @param accounts the account each patch writes (the same index as {@code perPatch})
     */
    static Counts execute(DSLContext dsl, List<List<Query>> perPatch, List<Long> accounts) {
        int rows = 0;
        boolean unknown = false;
        int start = 0;
        while (start < perPatch.size()) {
            Set<Long> inRun = new HashSet<>();
            int end = start;
            int steps = 0;
            while (end < perPatch.size() && inRun.add(accounts.get(end))) {
                boolean regroupable = insertsFirstOnly(perPatch.get(end));
                if (!regroupable && end > start) {
                    break;   // it runs alone, in the next run
                }
                steps = Math.max(steps, perPatch.get(end).size());
                end++;
                if (!regroupable) {
                    break;
                }
            }
            if (end - start == 1) {
                // A run of one patch (a batch of one, or a patch that runs on its own): nothing to group, so
                // nothing to render for a grouping key; each statement renders once, as it executes.
                for (Query q : perPatch.get(start)) {
                    rows += q.execute();
                }
                start = end;
                continue;
            }
            for (int step = 0; step < steps; step++) {
                List<List<Query>> groups = new ArrayList<>();
                Map<String, List<Query>> bySql = new HashMap<>();
                List<Query> lastInsert = null;
                String lastInsertSql = null;
                for (int i = start; i < end; i++) {
                    List<Query> statements = perPatch.get(i);
                    if (step >= statements.size()) {
                        continue;
                    }
                    Query q = statements.get(step);
                    String sql = dsl.render(q);
                    if (q instanceof Insert<?>) {
                        // Inserts keep their order: generated keys come out as a statement-by-statement run
                        // (a dry run's file) would give them.
                        if (lastInsert == null || !sql.equals(lastInsertSql)) {
                            lastInsert = new ArrayList<>();
                            lastInsertSql = sql;
                            groups.add(lastInsert);
                        }
                        lastInsert.add(q);
                    } else {
                        bySql.computeIfAbsent(sql, k -> {
                            List<Query> g = new ArrayList<>();
                            groups.add(g);
                            return g;
                        }).add(q);
                    }
                }
                for (List<Query> same : groups) {
                    if (same.size() == 1) {
                        rows += same.get(0).execute();
                        continue;
                    }
                    BatchBindStep batch = dsl.batch(same.get(0));
                    for (Query q : same) {
                        batch = batch.bind(q.getBindValues().toArray());
                    }
                    for (int n : batch.execute()) {
                        if (n >= 0) {
                            rows += n;
                        } else {
                            unknown = true;   // java.sql.Statement.SUCCESS_NO_INFO
                        }
                    }
                }
            }
            start = end;
        }
        return new Counts(rows, unknown);
    }

    /**
     * Whether a patch's statements may be regrouped with other patches': at most one insert, as its first statement.
     * Then every insert of a run is in its first step, in the order of the patches, and the inserts of all runs run
     * in the order a statement-by-statement run would give them (so do the keys they generate). Any other patch runs
     * on its own.
     */
    private static boolean insertsFirstOnly(List<Query> statements) {
        for (int i = 1; i < statements.size(); i++) {
            if (statements.get(i) instanceof Insert<?>) {
                return false;
            }
        }
        return true;
    }
}
