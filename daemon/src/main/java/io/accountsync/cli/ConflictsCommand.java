package io.accountsync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.accountsync.config.AccountsyncConfig;
import io.accountsync.model.Fields;
import io.accountsync.model.Patch;
import io.accountsync.pipeline.EnvironmentRuntime;
import io.accountsync.pipeline.Wiring;
import io.accountsync.plan.Planner;
import io.accountsync.plan.Target;
import io.accountsync.state.CanonicalValue;
import io.accountsync.state.StateDao;
import io.accountsync.state.StateStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
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

/** {@code accountsync conflicts ...}: the conflict inbox. */
@Command(name = "conflicts", mixinStandardHelpOptions = true, description = "The conflict inbox.",
        subcommands = {ConflictsCommand.ListConflicts.class, ConflictsCommand.Resolve.class})
final class ConflictsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    abstract static class StoreCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-c", "--config"}, required = true, description = "The YAML configuration file.")
        Path config;

        @Option(names = "--dry-run", description = "Use the dry run's state store.")
        boolean dryRun;

        AccountsyncConfig cfg;

        StateStore store() {
            return Wiring.store(cfg, dryRun || cfg.dryRun()).openForUse();
        }

        @Override
        public Integer call() throws Exception {
            cfg = ConfigLoading.load(config, spec.commandLine().getErr());
            if (cfg == null) {
                return ConfigLoading.CONFIG_ERROR;
            }
            return run(spec.commandLine().getOut(), spec.commandLine().getErr());
        }

        abstract int run(PrintWriter out, PrintWriter err) throws Exception;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the conflicts left for an operator.")
    static final class ListConflicts extends StoreCommand {
        @Option(names = "--json", description = "One JSON document instead of a table.")
        boolean json;

        @Option(names = "--all", description = "Also the resolved ones and those a policy decided.")
        boolean all;

        @Override
        int run(PrintWriter out, PrintWriter err) throws Exception {
            List<StateDao.Conflict> list;
            try (Connection c = store().connect()) {
                list = new StateDao(c).conflicts(!all, null);
                c.commit();
            }
            if (json) {
                ObjectMapper m = new ObjectMapper().registerModule(new JavaTimeModule())
                        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
                out.println(m.writeValueAsString(list));
                return 0;
            }
            if (list.isEmpty()) {
                out.println(all ? "no conflicts" : "no open conflicts");
                return 0;
            }
            out.println(String.format("%-6s %-8s %-24s %-10s %-10s %-24s %s", "id", "account", "username", "kind", "status",
                    "fields", "candidates"));
            for (StateDao.Conflict k : list) {
                StringBuilder cand = new StringBuilder();
                k.candidates().forEach((env, vals) -> cand.append(env).append("=").append(vals).append("  "));
                out.println(String.format("%-6d %-8s %-24s %-10s %-10s %-24s %s", k.id(),
                        k.globalId() == null ? "-" : "#" + k.globalId(), k.usernameKey(), k.kind(), k.status(),
                        String.join(",", k.fields()), cand.toString().trim()));
            }
            return 0;
        }
    }

    @Command(name = "resolve", mixinStandardHelpOptions = true,
            description = "Decide an account's open conflicts and propagate the result to every environment "
                    + "(the running daemon, or the next `accountsync run`, writes it).")
    static final class Resolve extends StoreCommand {
        @Parameters(index = "0", paramLabel = "ACCOUNT", description = "The account: #id or username.")
        String account;

        @Option(names = "--take", paramLabel = "ENV", description = "Take the conflicting values of this environment.")
        String take;

        @Option(names = "--set", paramLabel = "FIELD=VALUE", description = "Set a field to a value (repeatable).")
        List<String> set = new ArrayList<>();

        @Override
        int run(PrintWriter out, PrintWriter err) throws Exception {
            if (take == null && set.isEmpty()) {
                err.println("error: say what wins: --take ENV and/or --set FIELD=VALUE");
                return 2;
            }
            if (take != null && !cfg.environments().containsKey(take)) {
                err.println("error: --take " + take + ": no such environment (known: " + String.join(", ", cfg.environments().keySet()) + ")");
                return 2;
            }
            Map<String, String> sets = new LinkedHashMap<>();
            for (String s : set) {
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    err.println("error: --set " + s + ": expected FIELD=VALUE");
                    return 2;
                }
                sets.put(s.substring(0, eq), s.substring(eq + 1));
            }
            Map<String, EnvironmentRuntime> envs = Wiring.environments(cfg);
            Instant now = Clock.systemUTC().instant();
            try (Connection c = store().connect()) {
                StateDao dao = new StateDao(c);
                Optional<Long> found = AccountRef.find(dao, account, envs);
                if (found.isEmpty()) {
                    err.println("error: no account '" + account + "'");
                    return 1;
                }
                long gid = found.get();
                List<StateDao.Conflict> open = dao.conflicts(true, gid);
                if (open.isEmpty()) {
                    err.println("error: account #" + gid + " has no open conflict");
                    return 1;
                }
                Set<String> fields = new LinkedHashSet<>();
                for (StateDao.Conflict k : open) {
                    if (k.kind().equals("identity")) {
                        err.println("error: conflict " + k.id() + " is about identity (two local accounts of one environment "
                                + "for one person): rename or merge one of them in its application; the conflict closes then");
                        return 1;
                    }
                    fields.addAll(k.fields());
                }
                Map<String, String> chosen = new LinkedHashMap<>();
                List<String> undecided = new ArrayList<>();
                for (String f : fields) {
                    if (sets.containsKey(f)) {
                        chosen.put(f, sets.get(f));
                    } else if (take != null && open.stream().anyMatch(k -> k.candidates().containsKey(take)
                            && k.candidates().get(take).containsKey(f))) {
                        chosen.put(f, open.stream().filter(k -> k.candidates().containsKey(take)
                                && k.candidates().get(take).containsKey(f)).findFirst().orElseThrow().candidates().get(take).get(f));
                    } else {
                        undecided.add(f);
                    }
                }
                if (!undecided.isEmpty()) {
                    err.println("error: no value for " + String.join(", ", undecided) + (take == null ? ""
                            : " (" + take + " holds none)") + ": add --set FIELD=VALUE or --take another environment");
                    return 2;
                }
                String source = take != null ? take : "operator";
                for (Map.Entry<String, String> e : chosen.entrySet()) {
                    dao.setCanonical(gid, e.getKey(), new CanonicalValue(e.getValue(), source, now));
                }
                if (chosen.containsKey(Fields.EMAIL) && envs.values().stream().anyMatch(e -> e.syncedFields().contains(Fields.EMAIL_VERIFIED))) {
                    dao.setCanonical(gid, Fields.EMAIL_VERIFIED, new CanonicalValue("false", source, now));
                }
                String resolution = "operator: " + (take != null ? "took " + take : "") + (sets.isEmpty() ? "" : " set " + sets.keySet());
                dao.resolveConflicts(gid, resolution.trim(), now);
                Map<String, CanonicalValue> canonical = dao.canonical(gid);
                List<Target> targets = envs.values().stream().map(EnvironmentRuntime::target).toList();
                String username = dao.links(gid).values().stream().map(StateDao.Link::username).findFirst()
                        .orElse(dao.usernameKey(gid).orElseThrow());
                List<Patch> patches = Planner.planAll(gid, username, canonical, Set.of(), dao.links(gid), new HashMap<>(),
                        targets, "conflict resolved by an operator (" + resolution.trim() + ")");
                for (Patch p : patches) {
                    dao.enqueue(p, now, now);
                }
                dao.audit(gid, source, "resolve", String.join(",", chosen.keySet()), resolution.trim()
                        + "; planned " + patches.size() + " write(s)", now, now);
                c.commit();
                out.println("resolved account #" + gid + ": " + chosen.keySet() + " from " + source + "; " + patches.size()
                        + " write(s) planned (the running daemon applies them, or the next `accountsync run`)");
            }
            return 0;
        }
    }
}
