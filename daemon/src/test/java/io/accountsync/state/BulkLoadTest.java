package io.accountsync.state;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bootstrap's bulk load on the default H2 store: keys dropped while loading, built (and enforced) after. */
class BulkLoadTest {
    @TempDir
    Path dir;

    @Test
    void shouldDropTheKeysWhileLoadingAndBuildThemAfter() throws Exception {
        BulkLoadChecks.check(new StateStore("jdbc:h2:file:" + dir.resolve("state"), null, null).openForUse());
    }
}
