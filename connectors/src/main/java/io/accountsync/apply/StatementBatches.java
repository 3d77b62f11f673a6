package io.accountsync.apply;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;
import org.jooq.Query;

/**
 * Runs the statements of a batch of patches, in one transaction, with as few round trips as their order allows.
 *
 * <p>Each patch's statements keep their order, and so do an account's patches. Statements of different accounts do
 * not depend on each other, so within a run of patches of distinct accounts the first statement of every patch runs
 * first, then the second ones, and so on; within each such step, statements of the same SQL (an update of the same
 * columns, account after account) go to the database as one JDBC batch: one prepare and one round trip instead of
 * one each. A patch of an account already in the run starts the next run.
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
                steps = Math.max(steps, perPatch.get(end).size());
                end++;
            }
            for (int step = 0; step < steps; step++) {
                Map<String, List<Query>> bySql = new LinkedHashMap<>();
                for (int i = start; i < end; i++) {
                    List<Query> statements = perPatch.get(i);
                    if (step < statements.size()) {
                        Query q = statements.get(step);
                        bySql.computeIfAbsent(dsl.render(q), k -> new ArrayList<>()).add(q);
                    }
                }
                for (List<Query> same : bySql.values()) {
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
}
