package io.accountsync.bench;

import io.accountsync.pipeline.Bootstrap;
import io.accountsync.state.BulkLoad;
import io.accountsync.state.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What any bootstrap into the default (H2) state store costs at least: one row per person (the correlation
 * key) and one per local account (the link, looked up by environment and local key), each table keyed, loaded
 * the way the bootstrap loads them ({@link BulkLoad}, the load cache, its inserts, batches and commit size) into
 * a fresh store, with nothing else (no values, audit, outbox, merge or reading). Together with the naive
 * baseline's read of the three databases it bounds the bootstrap from below, and so bounds its speedup over
 * the naive cycle from above.
 */
final class StoreFloor {
    private static final List<String> ENVS = List.of("a", "b", "c");

    private StoreFloor() {
    }

    /** @param links local accounts in all (at most three per person, the last ones with two) */
    static Map<String, Object> measure(int people, long links, Path work) throws Exception {
        Path dir = work.resolve("store-floor").toAbsolutePath();   // H2 refuses a relative file path
        BenchMain.deleteTree(dir);
        Files.createDirectories(dir);
        StateStore store = new StateStore("jdbc:h2:file:" + dir.resolve("state"), null, null).openForUse();
        long threeLinks = links - 2L * people;   // people with three local accounts; the rest have two
        Timestamp now = new Timestamp(System.currentTimeMillis());
        double loadS;
        double keysS;
        try (Connection c = store.connect()) {
            BulkLoad.prepare(c);
            OptionalInt cache = store.shrinkCache(c);
            long t0 = System.nanoTime();
            try (PreparedStatement account = c.prepareStatement(Bootstrap.ACCOUNT_INSERT);
                 PreparedStatement link = c.prepareStatement(Bootstrap.LINK_INSERT)) {
                for (int p = 1; p <= people; p++) {
                    String name = String.format("user%08d", p);
                    account.setLong(1, p);
                    account.setString(2, name);
                    account.setTimestamp(3, now);
                    account.setString(4, null);   // no canonical values: only the keyed row
                    account.addBatch();
                    int n = p <= threeLinks ? 3 : 2;
                    for (int e = 0; e < n; e++) {
                        link.setString(1, ENVS.get(e));
                        link.setString(2, Integer.toString(p));
                        link.setLong(3, p);
                        link.setString(4, name);
                        link.setTimestamp(5, now);
                        link.addBatch();
                    }
                    if (p % Bootstrap.COMMIT_EVERY == 0 || p == people) {
                        account.executeBatch();
                        link.executeBatch();
                        c.commit();
                    }
                }
            }
            long t1 = System.nanoTime();
            BulkLoad.build(c);
            long t2 = System.nanoTime();
            store.restoreCache(c, cache);
            loadS = (t1 - t0) / 1e9;
            keysS = (t2 - t1) / 1e9;
        }
        BenchMain.deleteTree(dir);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("people", people);
        out.put("links", links);
        out.put("insert_s", Stats.round(loadS, 2));
        out.put("keys_s", Stats.round(keysS, 2));
        out.put("seconds", Stats.round(loadS + keysS, 2));
        Log.info(String.format("state-store floor: %,d people and %,d links into H2 in %.1f s (inserts %.1f s, keys %.1f s)",
                people, links, loadS + keysS, loadS, keysS));
        return out;
    }
}
