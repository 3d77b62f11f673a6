package io.accountsync.doctor;

import static io.accountsync.doctor.Specs.named;
import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.config.Role;
import io.accountsync.doctor.PostgresChecks.Facts;
import io.accountsync.doctor.PostgresChecks.Publication;
import io.accountsync.doctor.PostgresChecks.Slot;
import io.accountsync.model.Dialect;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresChecksTest {
    private static final TableRef USERS = new TableRef("public", "users");

    private static Facts facts(boolean superuser, boolean replication, String walLevel) {
        return new Facts("15.4", 150004, "sync", "wiki", superuser, replication, true, walLevel, 10, 10, 0,
                List.of(), null, Map.of(USERS, Specs.table(USERS, 'f')));
    }

    private static Facts with(Facts f, List<Slot> slots, int maxSlots, int maxSenders, int sendersInUse) {
        return new Facts(f.serverVersion(), f.serverVersionNum(), f.user(), f.database(), f.superuser(), f.replication(),
                f.canCreateInDatabase(), f.walLevel(), maxSlots, maxSenders, sendersInUse, slots, f.publication(), f.tables());
    }

    @Test
    void shouldPassADedicatedReplicationRoleWithEverythingInPlace() {
        List<Check> checks = PostgresChecks.evaluate(Specs.pg(Role.BOTH, "sync"), facts(false, true, "logical"));
        assertThat(checks).extracting(Check::name).containsExactly("server", "tables", "columns", "wal_level",
                "replication privilege", "replication slots", "wal senders", "publication", "replica identity",
                "read privileges", "write privileges", "least privilege");
        assertThat(checks).allMatch(c -> c.status() == Status.OK, "all OK");
        assertThat(named(checks, "replication slots").detail()).contains("10 free").contains("accountsync_a");
    }

    @Test
    void shouldWarnAboutASuperuserWithTheStatementsOfALeastPrivilegeRole() {
        Check c = named(PostgresChecks.evaluate(Specs.pg(Role.BOTH, "sync"), facts(true, false, "logical")), "least privilege");
        assertThat(c.status()).isEqualTo(Status.WARN);
        assertThat(c.fix()).contains("ALTER ROLE sync NOSUPERUSER REPLICATION;")
                .contains("GRANT SELECT, INSERT, UPDATE ON public.users TO sync;")
                .contains("GRANT CREATE ON DATABASE wiki TO sync;");
    }

    @Test
    void shouldFailWalLevelReplicaWithAlterSystem() {
        Check c = named(PostgresChecks.evaluate(Specs.pg(Role.BOTH, "sync"), facts(false, true, "replica")), "wal_level");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).contains("replica");
        assertThat(c.fix()).startsWith("ALTER SYSTEM SET wal_level = logical;").contains("restart");
    }

    @Test
    void shouldFailARoleWithoutReplicationAndQuoteItsName() {
        Check plain = named(PostgresChecks.evaluate(Specs.pg(Role.BOTH, "sync"), facts(false, false, "logical")),
                "replication privilege");
        assertThat(plain.status()).isEqualTo(Status.FAIL);
        assertThat(plain.fix()).isEqualTo("ALTER ROLE sync REPLICATION;");
        Facts odd = new Facts("15.4", 150004, "Sync-Bot", "wiki", false, false, true, "logical", 10, 10, 0, List.of(),
                null, Map.of(USERS, Specs.table(USERS, 'f')));
        assertThat(PostgresChecks.replication("a", odd, Sql.pgIdent(odd.user())).fix())
                .isEqualTo("ALTER ROLE \"Sync-Bot\" REPLICATION;");
    }

    @Test
    void shouldFailWhenNoSlotIsFreeAndNameAnInactiveOneToDrop() {
        Facts f = with(facts(false, true, "logical"), List.of(new Slot("old_one", "pgoutput", "logical", "wiki", false, 0L),
                new Slot("busy", "pgoutput", "logical", "wiki", true, 0L)), 2, 10, 1);
        Check c = PostgresChecks.slots(Specs.pg(Role.BOTH, "sync"), f);
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).contains("2 of max_replication_slots 2");
        assertThat(c.fix()).contains("ALTER SYSTEM SET max_replication_slots = 6;")
                .contains("SELECT pg_drop_replication_slot('old_one');").doesNotContain("'busy'");
    }

    @Test
    void shouldFailOurSlotInAnotherDatabaseAndWarnWhenItHoardsWal() {
        EnvSpec spec = Specs.pg(Role.BOTH, "sync");
        Facts elsewhere = with(facts(false, true, "logical"),
                List.of(new Slot("accountsync_a", "pgoutput", "logical", "other", false, 0L)), 10, 10, 0);
        Check c = PostgresChecks.slots(spec, elsewhere);
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).contains("belongs to database other");
        assertThat(c.fix()).contains("SELECT pg_drop_replication_slot('accountsync_a');");

        Facts hoarding = with(facts(false, true, "logical"),
                List.of(new Slot("accountsync_a", "pgoutput", "logical", "wiki", false, 3L << 30)), 10, 10, 0);
        Check w = PostgresChecks.slots(spec, hoarding);
        assertThat(w.status()).isEqualTo(Status.WARN);
        assertThat(w.detail()).contains("inactive").contains("3.0 GB");

        Facts reading = with(facts(false, true, "logical"),
                List.of(new Slot("accountsync_a", "pgoutput", "logical", "wiki", true, 1L << 20)), 10, 1, 1);
        assertThat(PostgresChecks.slots(spec, reading).status()).isEqualTo(Status.OK);
        // The one WAL sender in use is ours: that is not a shortage.
        assertThat(PostgresChecks.walSenders(spec, reading).status()).isEqualTo(Status.OK);
    }

    @Test
    void shouldFailWhenEveryWalSenderIsTaken() {
        Check c = PostgresChecks.walSenders(Specs.pg(Role.BOTH, "sync"), with(facts(false, true, "logical"), List.of(), 10, 3, 3));
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.fix()).startsWith("ALTER SYSTEM SET max_wal_senders = 7;");
    }

    @Test
    void shouldSayWhatAMissingPublicationNeedsWhenTheRoleCannotCreateIt() {
        TableInfo foreign = new TableInfo(USERS, Specs.userColumns(), true, true, true, false, 'f', List.of());
        Facts f = new Facts("15.4", 150004, "sync", "wiki", false, true, false, "logical", 10, 10, 0, List.of(), null,
                Map.of(USERS, foreign));
        Check c = PostgresChecks.publication(Specs.pg(Role.BOTH, "sync"), f, "sync");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).contains("no CREATE on database wiki").contains("does not own public.users");
        assertThat(c.fix()).contains("GRANT CREATE ON DATABASE wiki TO sync;")
                .contains("ALTER TABLE public.users OWNER TO sync;")
                .contains("CREATE PUBLICATION accountsync_a FOR TABLE public.users;");
    }

    @Test
    void shouldJudgeExistingPublications() {
        EnvSpec spec = Specs.pg(Role.BOTH, "sync");
        Facts base = facts(false, true, "logical");
        Check exact = PostgresChecks.publication(spec, withPublication(base, new Publication(false, false, List.of(USERS))), "sync");
        assertThat(exact.status()).isEqualTo(Status.OK);

        Check all = PostgresChecks.publication(spec, withPublication(base, new Publication(true, true, List.of())), "sync");
        assertThat(all.status()).isEqualTo(Status.FAIL);
        assertThat(all.fix()).contains("DROP PUBLICATION accountsync_a;").contains("all_tables");

        TableRef other = new TableRef("public", "groups");
        Check foreign = PostgresChecks.publication(spec, withPublication(base, new Publication(false, false, List.of(other))), "sync");
        assertThat(foreign.status()).isEqualTo(Status.FAIL);
        assertThat(foreign.fix()).contains("ALTER PUBLICATION accountsync_a SET TABLE public.users;");

        EnvSpec disabled = EnvSpec.of(Specs.env("a", Dialect.POSTGRESQL, Role.BOTH, "sync",
                Map.of("publication.autocreate.mode", "disabled")));
        Check none = PostgresChecks.publication(disabled, base, "sync");
        assertThat(none.status()).isEqualTo(Status.FAIL);
        assertThat(none.fix()).isEqualTo("CREATE PUBLICATION accountsync_a FOR TABLE public.users;");
    }

    @Test
    void shouldFailTablesWithoutReplicaIdentityFull() {
        Facts f = new Facts("15.4", 150004, "sync", "wiki", false, true, true, "logical", 10, 10, 0, List.of(), null,
                Map.of(USERS, Specs.table(USERS, 'd')));
        Check c = named(PostgresChecks.evaluate(Specs.pg(Role.BOTH, "sync"), f), "replica identity");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).contains("public.users (DEFAULT)");
        assertThat(c.fix()).isEqualTo("ALTER TABLE public.users REPLICA IDENTITY FULL;");
    }

    @Test
    void shouldCheckNoCdcPrerequisiteOnATargetOnlyEnvironment() {
        List<Check> checks = PostgresChecks.evaluate(Specs.pg(Role.TARGET, "sync"), facts(false, false, "replica"));
        assertThat(checks).extracting(Check::name).doesNotContain("wal_level", "replication privilege",
                "replication slots", "publication", "replica identity", "read privileges");
        assertThat(checks).allMatch(c -> c.status() == Status.OK);
    }

    @Test
    void shouldAskForTheSequenceOfASerialKeyWhenWriting() {
        TableInfo t = new TableInfo(USERS, Specs.userColumns(), true, false, true, false, 'f', List.of("public.users_id_seq"));
        Facts f = new Facts("15.4", 150004, "sync", "wiki", false, true, true, "logical", 10, 10, 0, List.of(), null,
                Map.of(USERS, t));
        Check c = named(PostgresChecks.evaluate(Specs.pg(Role.BOTH, "sync"), f), "write privileges");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.fix()).isEqualTo("GRANT INSERT ON public.users TO sync;\nGRANT USAGE ON SEQUENCE public.users_id_seq TO sync;");
    }

    @Test
    void shouldRefuseAServerOlderThanTen() {
        Facts f = new Facts("9.6.24", 90624, "sync", "wiki", false, true, true, "logical", 10, 10, 0, List.of(), null,
                Map.of(USERS, Specs.table(USERS, 'f')));
        assertThat(named(PostgresChecks.evaluate(Specs.pg(Role.BOTH, "sync"), f), "server").status()).isEqualTo(Status.FAIL);
    }

    private static Facts withPublication(Facts f, Publication p) {
        return new Facts(f.serverVersion(), f.serverVersionNum(), f.user(), f.database(), f.superuser(), f.replication(),
                f.canCreateInDatabase(), f.walLevel(), f.maxReplicationSlots(), f.maxWalSenders(), f.walSendersInUse(),
                f.slots(), p, f.tables());
    }
}
