package io.accountsync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.accountsync.apply.JdbcColumnLimits;
import io.accountsync.capture.FullReader;
import io.accountsync.config.EnvironmentConfig;
import io.accountsync.connect.ConnectionSettings;
import io.accountsync.connect.Secret;
import io.accountsync.metrics.Metrics;
import io.accountsync.model.AccountChange;
import io.accountsync.model.Fields;
import io.accountsync.model.Patch;
import io.accountsync.pipeline.ChangeProcessor;
import io.accountsync.pipeline.EchoRegistry;
import io.accountsync.pipeline.EnvironmentRuntime;
import io.accountsync.pipeline.Wiring;
import io.accountsync.plan.Planner;
import io.accountsync.plan.Target;
import io.accountsync.profile.ColumnLimits;
import io.accountsync.profile.Profile;
import io.accountsync.state.CanonicalValue;
import io.accountsync.state.StateDao;
import io.accountsync.state.StateStore;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code accountsync quarantine ...}: the rows and values the pipeline set aside, with their reasons.
 * Entries are listed, retried (re-planned, or re-read from their environment) or dropped.
 */
@Command(name = "quarantine", mixinStandardHelpOptions = true,
        description = {"Rows the pipeline could not understand and values an environment refused, each with its reason. "
                + "The stream went on without them; nothing else waits for them."},
        subcommands = {QuarantineCommand.ListEntries.class, QuarantineCommand.Retry.class, QuarantineCommand.Drop.class})
final class QuarantineCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** What an operator sees of one entry; never a password (values are not kept, reasons name fields and limits). */
    record View(long id, String env, String stage, String position, String localKey, Long account, String username,
                String reason, String payload, Instant at) {
    }

    /** Entries by id, or all (of one environment); unknown ids are reported on {@code err}. */
    abstract static class Selecting extends ConflictsCommand.StoreCommand {
        @Parameters(paramLabel = "ID", arity = "0..*", description = "Entry ids, as `quarantine list` shows them.")
        List<Long> ids = new ArrayList<>();

        @Option(names = "--all", description = "Every entry (of --env, when given).")
        boolean all;

        @Option(names = {"-e", "--env"}, paramLabel = "ENV", description = "With --all: only this environment's entries.")
        String env;

        int missing;

        /** The selected entries, or null after printing why the selection is wrong. */
        List<StateDao.QuarantineEntry> select(StateDao dao, PrintWriter err) throws SQLException {
            if (all == !ids.isEmpty()) {
                err.println("error: name entry ids, or --all (not both)");
                return null;
            }
            if (env != null && !all) {
                err.println("error: --env only goes with --all");
                return null;
            }
            if (all) {
                return dao.quarantined().stream().filter(e -> env == null || e.env().equals(env)).toList();
            }
            List<StateDao.QuarantineEntry> out = new ArrayList<>();
            for (long id : new LinkedHashSet<>(ids)) {
                Optional<StateDao.QuarantineEntry> e = dao.quarantineEntry(id);
                if (e.isPresent()) {
                    out.add(e.get());
                } else {
                    err.println("error: no quarantine entry " + id);
                    missing++;
                }
            }
            return out;
        }
    }

    static View view(StateDao dao, StateDao.QuarantineEntry e, List<Secret> secrets) throws SQLException {
        String username = null;
        if (e.globalId() != null) {
            StateDao.Link link = dao.links(e.globalId()).get(e.env());
            username = link != null && link.username() != null ? link.username() : dao.usernameKey(e.globalId()).orElse(null);
        }
        return new View(e.id(), e.env(), e.stage(), e.position(), e.localKey(), e.globalId(), username,
                mask(e.reason(), secrets), mask(e.payload(), secrets), e.at());
    }

    /** Reasons and payloads never hold values, but a database's own message might echo a password: mask every one we know. */
    static String mask(String text, List<Secret> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (Secret s : secrets) {
            String pw = s.reveal();
            if (pw != null && !pw.isEmpty()) {
                out = out.replace(pw, Secret.HIDDEN);
            }
        }
        return out;
    }

    static List<Secret> secrets(io.accountsync.config.AccountsyncConfig cfg) {
        List<Secret> out = new ArrayList<>();
        for (EnvironmentConfig e : cfg.environments().values()) {
            if (e.connection().password() != null) {
                out.add(e.connection().password());
            }
        }
        if (cfg.stateStore().password() != null) {
            out.add(cfg.stateStore().password());
        }
        return out;
    }

    static String describe(View v) {
        return "entry " + v.id() + " (" + v.stage() + ", " + v.env()
                + (v.account() != null ? ", account #" + v.account() + (v.username() != null ? " " + v.username() : "") : "")
                + (v.localKey() != null ? ", local key " + v.localKey() : "") + ")";
    }

    // ------------------------------------------------------------------------------------ list

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the quarantine: id, environment, stage, source position, local key, account, when, and why.")
    static final class ListEntries extends ConflictsCommand.StoreCommand {
        @Option(names = "--json", description = "One JSON document instead of a table.")
        boolean json;

        @Option(names = {"-e", "--env"}, paramLabel = "ENV", description = "Only this environment's entries.")
        String env;

        @Override
        int run(PrintWriter out, PrintWriter err) throws Exception {
            List<View> views = new ArrayList<>();
            List<Secret> secrets = secrets(cfg);
            try (Connection c = store().connect()) {
                StateDao dao = new StateDao(c);
                for (StateDao.QuarantineEntry e : dao.quarantined()) {
                    if (env == null || e.env().equals(env)) {
                        views.add(view(dao, e, secrets));
                    }
                }
                c.commit();
            }
            if (json) {
                ObjectMapper m = new ObjectMapper().registerModule(new JavaTimeModule())
                        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
                out.println(m.writeValueAsString(views));
                return 0;
            }
            if (views.isEmpty()) {
                out.println("the quarantine is empty");
                return 0;
            }
            String format = "%-6s %-10s %-10s %-28s %-10s %-20s %-20s %s";
            out.println(String.format(format, "id", "env", "stage", "position", "local key", "account", "when", "reason"));
            for (View v : views) {
                String account = v.account() == null ? "-" : "#" + v.account() + (v.username() == null ? "" : " " + v.username());
                out.println(String.format(format, v.id(), v.env(), v.stage(), v.position() == null ? "-" : v.position(),
                        v.localKey() == null ? "-" : v.localKey(), account, v.at().truncatedTo(ChronoUnit.SECONDS),
                        oneLine(v.reason())));
            }
            out.println(views.size() + " entr" + (views.size() == 1 ? "y" : "ies")
                    + "; `accountsync quarantine retry ID` after fixing the cause, `drop ID` to forget one");
            return 0;
        }
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }

    // ------------------------------------------------------------------------------------ drop

    @Command(name = "drop", mixinStandardHelpOptions = true,
            description = "Print the entries, then remove them: accountsync will not try them again. (A row's next change "
                    + "in its application is processed as usual.)")
    static final class Drop extends Selecting {
        @Override
        int run(PrintWriter out, PrintWriter err) throws Exception {
            List<Secret> secrets = secrets(cfg);
            int dropped = 0;
            try (Connection c = store().connect()) {
                StateDao dao = new StateDao(c);
                List<StateDao.QuarantineEntry> entries = select(dao, err);
                if (entries == null) {
                    return 2;
                }
                Instant now = Clock.systemUTC().instant();
                for (StateDao.QuarantineEntry e : entries) {
                    View v = view(dao, e, secrets);
                    if (dao.deleteQuarantine(e.id())) {
                        out.println("dropped " + describe(v) + ": " + oneLine(v.reason()));
                        dao.audit(e.globalId(), e.env(), "quarantine-drop", null, "entry " + e.id() + " (" + e.stage()
                                + ") dropped by an operator", null, now);
                        dropped++;
                    }
                }
                c.commit();
            }
            out.println(dropped + " entr" + (dropped == 1 ? "y" : "ies") + " dropped");
            return missing > 0 ? 1 : 0;
        }
    }

    // ------------------------------------------------------------------------------------ retry

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = {"Try entries again, after the cause was fixed:",
                    "  apply (a value an environment refused): the account's current canonical values of the refused "
                            + "fields are planned again for that environment only; the running daemon (or the next "
                            + "`accountsync run`) writes them. The environment's column limits are checked first: a "
                            + "value that still does not fit stays in quarantine. A write the database refuses again "
                            + "makes a new entry.",
                    "  normalize, correlate (a row that could not be understood): the row is read again from its "
                            + "environment by its local key (one read of the environment's account table, in a "
                            + "consistent read-only transaction) and merged as a catch-up read does. A row that still "
                            + "cannot be understood stays, with the reason now; a row that no longer exists leaves the "
                            + "quarantine. An entry without a local key cannot be read again: fix the row in its "
                            + "application (its next change is processed as usual) and drop the entry.",
                    "The entries that were retried are removed. Exit 1 when some stay."})
    static final class Retry extends Selecting {
        private final Map<String, ColumnLimits> limits = new HashMap<>();

        @Override
        int run(PrintWriter out, PrintWriter err) throws Exception {
            List<Secret> secrets = secrets(cfg);
            Map<String, EnvironmentRuntime> envs = Wiring.environments(cfg);
            Clock clock = Clock.systemUTC();
            StateStore store = store();
            int retried = 0;
            int kept = 0;
            Map<String, List<View>> reread = new LinkedHashMap<>();
            try (Connection c = store.connect()) {
                StateDao dao = new StateDao(c);
                List<StateDao.QuarantineEntry> entries = select(dao, err);
                if (entries == null) {
                    return 2;
                }
                for (StateDao.QuarantineEntry e : entries) {
                    View v = view(dao, e, secrets);
                    EnvironmentRuntime env = envs.get(e.env());
                    if (env == null) {
                        out.println("kept " + describe(v) + ": environment " + e.env()
                                + " is not configured or not enabled; drop the entry if it is gone for good");
                        kept++;
                        continue;
                    }
                    switch (e.stage()) {
                        case "apply" -> {
                            String result = retryApply(dao, e, v, env, clock.instant());
                            c.commit();
                            out.println(result);
                            if (result.startsWith("kept")) {
                                kept++;
                            } else {
                                retried++;
                            }
                        }
                        case "normalize", "correlate" -> {
                            if (e.localKey() == null) {
                                out.println("kept " + describe(v) + ": the row's key is unknown, so it cannot be read "
                                        + "again; fix the row in its application (its next change is processed as usual), "
                                        + "then `accountsync quarantine drop " + e.id() + "`");
                                kept++;
                            } else if (!env.config().reads()) {
                                out.println("kept " + describe(v) + ": environment " + e.env() + " is not read (role "
                                        + env.config().role().configName() + ")");
                                kept++;
                            } else {
                                reread.computeIfAbsent(e.env(), k -> new ArrayList<>()).add(v);
                            }
                        }
                        default -> {
                            out.println("kept " + describe(v) + ": unknown stage " + e.stage());
                            kept++;
                        }
                    }
                }
                c.commit();
            }
            for (Map.Entry<String, List<View>> r : reread.entrySet()) {
                int[] counts = reread(store, envs, r.getKey(), r.getValue(), clock, out, err);
                retried += counts[0];
                kept += counts[1];
            }
            out.println(retried + " retried, " + kept + " kept" + (missing > 0 ? ", " + missing + " not found" : ""));
            return kept > 0 || missing > 0 ? 1 : 0;
        }

        /** Plans the refused fields' canonical values for the entry's environment again. */
        private String retryApply(StateDao dao, StateDao.QuarantineEntry e, View v, EnvironmentRuntime env, Instant now)
                throws SQLException {
            if (e.globalId() == null || dao.usernameKey(e.globalId()).isEmpty()) {
                return "kept " + describe(v) + ": it names no account any more; drop it";
            }
            long gid = e.globalId();
            Target target = env.target();
            if (!target.writable()) {
                return "kept " + describe(v) + ": environment " + env.name() + " is not written (role "
                        + env.config().role().configName() + ")";
            }
            Set<String> fields = new LinkedHashSet<>(refusedFields(e));
            fields.retainAll(target.fields());
            if (fields.isEmpty()) {
                fields.addAll(target.fields());
            }
            if (fields.contains(Fields.EMAIL) && target.fields().contains(Fields.EMAIL_VERIFIED)) {
                fields.add(Fields.EMAIL_VERIFIED);   // the verification travels with the address
            }
            Set<String> held = dao.openConflictFields(gid);
            if (held.contains("*")) {
                return "kept " + describe(v) + ": an open identity conflict holds the account (see `accountsync conflicts list`)";
            }
            fields.removeAll(held);
            if (fields.isEmpty()) {
                return "kept " + describe(v) + ": an open conflict holds " + String.join(", ", held)
                        + "; resolve it with `accountsync conflicts resolve` first";
            }
            Map<String, CanonicalValue> canonical = dao.canonical(gid);
            Map<String, CanonicalValue> wanted = new LinkedHashMap<>();
            for (String f : fields) {
                if (canonical.containsKey(f)) {
                    wanted.put(f, canonical.get(f));
                }
            }
            if (wanted.isEmpty()) {
                dao.deleteQuarantine(e.id());
                return "retried " + describe(v) + ": the account has no value for " + String.join(", ", fields)
                        + " any more; nothing to write, entry removed";
            }
            ColumnLimits catalog;
            try {
                catalog = limits(env);
            } catch (SQLException ex) {
                return "kept " + describe(v) + ": cannot read the column limits of " + env.name() + " ("
                        + mask(ex.getMessage(), List.of(env.config().connection().password()))
                        + "); try again when it is reachable";
            }
            for (Map.Entry<String, CanonicalValue> w : wanted.entrySet()) {
                Optional<String> still = env.profile().rejects(w.getKey(), w.getValue().value(), catalog);
                if (still.isPresent()) {
                    return "kept " + describe(v) + ": " + env.name() + " still cannot store it: " + still.get();
                }
            }
            Map<String, StateDao.Link> links = dao.links(gid);
            String username = links.containsKey(env.name()) ? links.get(env.name()).username()
                    : links.values().stream().map(StateDao.Link::username).filter(java.util.Objects::nonNull).findFirst()
                    .orElse(dao.usernameKey(gid).orElseThrow());
            List<Patch> patches = Planner.planAll(gid, username, wanted, Set.of(), links, Map.of(), List.of(target),
                    "retry of quarantine entry " + e.id() + " by an operator");
            for (Patch p : patches) {
                dao.enqueue(p, now, now);
            }
            dao.audit(gid, env.name(), "quarantine-retry", String.join(",", wanted.keySet()), "entry " + e.id()
                    + ": planned " + patches.size() + " write(s)", null, now);
            dao.deleteQuarantine(e.id());
            return "retried " + describe(v) + ": " + String.join(", ", wanted.keySet()) + " planned for " + env.name()
                    + " (" + patches.size() + " write(s)); the running daemon, or the next `accountsync run`, writes "
                    + (patches.size() == 1 ? "it" : "them");
        }

        /** The fields an apply entry is about: its payload ({@code fields a,b}), else the reason's leading field name. */
        static List<String> refusedFields(StateDao.QuarantineEntry e) {
            if (e.payload() != null && e.payload().startsWith("fields ")) {
                return List.of(e.payload().substring("fields ".length()).split(","));
            }
            String r = e.reason() == null ? "" : e.reason();
            int colon = r.indexOf(':');
            if (colon > 0 && r.substring(0, colon).matches("[a-z][a-z0-9_]{0,62}")) {
                return List.of(r.substring(0, colon));
            }
            return List.of();
        }

        private ColumnLimits limits(EnvironmentRuntime env) throws SQLException {
            ColumnLimits l = limits.get(env.name());
            if (l == null) {
                ConnectionSettings cs = env.config().connection();
                try (Connection c = DriverManager.getConnection(cs.jdbcUrl(), cs.jdbcProperties())) {
                    l = JdbcColumnLimits.load(c, cs.dialect(), env.profile().writtenTables());
                }
                limits.put(env.name(), l);
            }
            return l;
        }

        /** Reads one environment once and merges the rows the entries name; returns {retried, kept}. */
        private int[] reread(StateStore store, Map<String, EnvironmentRuntime> envs, String name, List<View> entries,
                             Clock clock, PrintWriter out, PrintWriter err) throws Exception {
            EnvironmentRuntime env = envs.get(name);
            Set<String> keys = new LinkedHashSet<>();
            entries.forEach(v -> keys.add(v.localKey()));
            Map<String, AccountChange> found = new LinkedHashMap<>();
            Map<String, String> stillBad = new HashMap<>();
            try {
                FullReader.read(name, env.config().connection(), env.profile(), new Profile.ReadSink() {
                    @Override
                    public void account(AccountChange change) {
                        if (keys.contains(change.localKey())) {
                            found.put(change.localKey(), change);
                        }
                    }

                    @Override
                    public void bad(String reason) {
                        // no key: not one of ours
                    }

                    @Override
                    public void bad(String reason, String localKey) {
                        if (localKey != null && keys.contains(localKey)) {
                            stillBad.put(localKey, reason);
                        }
                    }
                });
            } catch (Exception ex) {
                String why = mask(String.valueOf(ex.getMessage()), List.of(env.config().connection().password()));
                for (View v : entries) {
                    out.println("kept " + describe(v) + ": cannot read " + name + " (" + why + "); try again when it is reachable");
                }
                return new int[] {0, entries.size()};
            }
            List<AccountChange> merge = new ArrayList<>();
            int retried = 0;
            int kept = 0;
            List<String> lines = new ArrayList<>();
            List<Long> remove = new ArrayList<>();
            for (View v : entries) {
                AccountChange change = found.get(v.localKey());
                String key = change == null ? null : env.profile().correlationKey(change.username());
                if (change != null && (key == null || key.isBlank())) {
                    lines.add("kept " + describe(v) + ": the username '" + change.username()
                            + "' is still empty after normalization; rename the account in its application");
                    kept++;
                } else if (change != null) {
                    merge.add(change);
                    remove.add(v.id());
                    lines.add("retried " + describe(v) + ": row read again from " + name + " and merged (username '"
                            + change.username() + "'); the writes it calls for are planned");
                    retried++;
                } else if (stillBad.containsKey(v.localKey())) {
                    lines.add("kept " + describe(v) + ": the row still cannot be processed: " + oneLine(stillBad.get(v.localKey())));
                    kept++;
                } else {
                    remove.add(v.id());
                    lines.add("retried " + describe(v) + ": " + name + " has no account with local key " + v.localKey()
                            + " any more; nothing to process, entry removed");
                    retried++;
                }
            }
            if (!merge.isEmpty()) {
                ChangeProcessor processor = new ChangeProcessor(store, envs, new EchoRegistry(clock), new Metrics(), clock,
                        Wiring.policy(cfg), n -> { });
                try {
                    processor.open(name, null);
                    processor.processRead(name, merge, List.of());
                } finally {
                    processor.close();
                }
            }
            try (Connection c = store.connect()) {
                StateDao dao = new StateDao(c);
                Instant now = clock.instant();
                for (long id : remove) {
                    dao.deleteQuarantine(id);
                }
                if (!remove.isEmpty()) {
                    dao.audit(null, name, "quarantine-retry", null, "entries " + remove + " read again", null, now);
                }
                c.commit();
            }
            lines.forEach(out::println);
            return new int[] {retried, kept};
        }
    }
}
