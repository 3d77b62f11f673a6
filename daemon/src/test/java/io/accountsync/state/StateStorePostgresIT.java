package io.accountsync.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.connect.Secret;
import io.accountsync.model.Patch;
import io.accountsync.testsupport.DbInstance;
import io.accountsync.testsupport.TestDatabases;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The same migrations and statements on a PostgreSQL state store (the production choice). */
class StateStorePostgresIT {
    private final DbInstance pg = TestDatabases.pg1();
    private final String database = pg.createDatabase("state");

    @AfterEach
    void drop() {
        pg.dropDatabase(database);
    }

    @Test
    void shouldCreateTheSchemaAndKeepStateOnPostgres() throws Exception {
        StateStore store = new StateStore(pg.jdbcUrl(database), pg.user(), Secret.of(pg.password())).openForUse();
        assertThat(store.version().current()).isEqualTo("3");
        Instant now = Instant.parse("2026-02-03T04:05:06Z");
        try (Connection c = store.connect()) {
            StateDao dao = new StateDao(c);
            long id = dao.createAccount("tom", now);
            dao.upsertLink("a", "7", id, "tom", now);
            dao.setCanonical(id, "email", new CanonicalValue("tom@example.org", "a", now));
            dao.setCanonical(id, "email", new CanonicalValue("tommy@example.org", "b", now.plusSeconds(1)));
            dao.enqueue(new Patch("b", id, null, "tom", Patch.Kind.CREATE, Map.of("email", "tommy@example.org"), Map.of("email", "t@x"), "why"), now, now);
            dao.ownTransaction("b", "0-1-42", now);
            dao.ownTransaction("b", "0-1-42", now);
            c.commit();
            assertThat(dao.accountByKey("tom")).contains(id);
            assertThat(dao.links(id)).containsOnlyKeys("a");
            assertThat(dao.canonical(id).get("email")).isEqualTo(new CanonicalValue("tommy@example.org", "b", now.plusSeconds(1)));
            List<OutboxEntry> out = dao.outbox("b", 10);
            assertThat(out).singleElement().satisfies(e -> {
                assertThat(e.patch().kind()).isEqualTo(Patch.Kind.CREATE);
                assertThat(e.patch().values()).containsEntry("email", "tommy@example.org");
                assertThat(e.patch().expected()).containsEntry("email", "t@x");
            });
            dao.dequeue(out);
            c.commit();
            assertThat(dao.outboxDepth("b")).isZero();
            assertThat(dao.ownTransactions(now.minusSeconds(1))).containsEntry("b", List.of("0-1-42"));
        }
    }

    @Test
    void shouldDropTheKeysWhileLoadingAndBuildThemAfterOnPostgres() throws Exception {
        BulkLoadChecks.check(new StateStore(pg.jdbcUrl(database), pg.user(), Secret.of(pg.password())).openForUse());
    }

    @Test
    void shouldMoveTheCanonicalValuesOfAVersion1StoreIntoTheAccountRowsOnPostgres() throws Exception {
        CanonicalMigrationChecks.check(pg.jdbcUrl(database), pg.user(), pg.password());
    }
}
