package io.accountsync.cli;

import io.accountsync.config.AccountsyncConfig;
import io.accountsync.pipeline.Wiring;
import io.accountsync.state.StateDao;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code accountsync audit ACCOUNT}: an account's history. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Print an account's history: every change seen, every write made, from where, when and why.")
final class AuditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, description = "The YAML configuration file.")
    Path config;

    @Option(names = "--dry-run", description = "Use the dry run's state store.")
    boolean dryRun;

    @Parameters(index = "0", paramLabel = "ACCOUNT", description = "The account: #id or username.")
    String account;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AccountsyncConfig cfg = ConfigLoading.load(config, err);
        if (cfg == null) {
            return ConfigLoading.CONFIG_ERROR;
        }
        try (Connection c = Wiring.store(cfg, dryRun || cfg.dryRun()).openForUse().connect()) {
            StateDao dao = new StateDao(c);
            Optional<Long> gid = AccountRef.find(dao, account, Wiring.environments(cfg));
            if (gid.isEmpty()) {
                err.println("error: no account '" + account + "'");
                return 1;
            }
            out.println("account #" + gid.get() + " (" + dao.usernameKey(gid.get()).orElse("?") + ")");
            dao.links(gid.get()).forEach((env, l) -> out.println("  linked: " + env + " local " + l.localKey() + " (" + l.username() + ")"));
            dao.canonical(gid.get()).forEach((f, v) -> out.println("  " + f + " = " + v.value() + "   (from " + v.sourceEnv() + " at " + v.sourceTime() + ")"));
            out.println(String.format("%-24s %-10s %-18s %-28s %s", "at", "env", "action", "fields", "detail"));
            for (StateDao.AuditEntry a : dao.auditLog(gid.get())) {
                out.println(String.format("%-24s %-10s %-18s %-28s %s%s", a.at(), a.env(), a.action(),
                        a.fields() == null ? "" : a.fields(), a.detail() == null ? "" : a.detail(),
                        a.sourceTime() == null ? "" : "  [source commit " + a.sourceTime() + "]"));
            }
            c.commit();
        }
        return 0;
    }
}
