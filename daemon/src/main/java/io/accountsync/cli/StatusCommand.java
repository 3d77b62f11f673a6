package io.accountsync.cli;

import io.accountsync.capture.ErrorMessages;
import io.accountsync.capture.LogSecrets;
import io.accountsync.config.AccountsyncConfig;
import io.accountsync.pipeline.Wiring;
import io.accountsync.state.StateStore;
import io.accountsync.status.DaemonStatus;
import io.accountsync.status.StatusClient;
import io.accountsync.status.StatusCollector;
import io.accountsync.status.StatusJson;
import io.accountsync.status.StatusReport;
import io.accountsync.status.StoreFacts;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code accountsync status}: one screen per environment. Asks the running daemon (its {@code /status} on the
 * configured metrics address); when none answers, reads what the state store knows.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show each environment's state, source position, capture and apply lag, last event, errors "
                + "and queue depth.",
                "Asks the running daemon (GET /status on metrics.host:metrics.port); when none answers, reads the "
                        + "state store and says so. Exit 0 either way; 1 when the state store cannot be read; "
                        + "2 on configuration errors."})
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, description = "The YAML configuration file.")
    Path config;

    @Option(names = "--json", description = "The status as one JSON document (the daemon's /status format).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AccountsyncConfig cfg = ConfigLoading.load(config, err);
        if (cfg == null) {
            return ConfigLoading.CONFIG_ERROR;
        }
        String noAnswer;
        if (!cfg.metrics().enabled()) {
            noAnswer = "metrics.enabled is false, so no daemon can be asked";
        } else if (cfg.metrics().port() == 0) {
            noAnswer = "metrics.port is 0 (any free port), so the daemon's port is unknown";
        } else {
            URI uri = StatusClient.uri(cfg.metrics().host(), cfg.metrics().port());
            StatusClient.Answer a = StatusClient.fetch(uri);
            if (a.status() != null) {
                print(out, a.status(), "from " + uri);
                return 0;
            }
            noAnswer = a.noAnswer();
        }
        StateStore store = Wiring.store(cfg, cfg.dryRun());
        String storeName = ErrorMessages.clean(store.url().replaceFirst(";.*$", ""));
        Optional<Path> h2 = store.h2File();
        DaemonStatus status;
        int exit = 0;
        if (h2.isPresent() && !Files.exists(h2.get())) {
            status = StatusCollector.fromStore(cfg, null, "no state store yet at " + h2.get() + " (nothing has run)",
                    Clock.systemUTC().instant());
        } else {
            StoreFacts facts = null;
            String storeError = null;
            try (Connection c = store.connect()) {
                facts = StoreFacts.read(c);
                c.commit();
            } catch (Exception e) {
                storeError = "cannot read the state store: " + LogSecrets.redact(ErrorMessages.safe(e));
                exit = 1;
            }
            status = StatusCollector.fromStore(cfg, facts, storeError, Clock.systemUTC().instant());
        }
        if (json) {
            err.println("daemon not running (from the state store): " + noAnswer);
            err.flush();
        }
        print(out, status, noAnswer + "; read " + storeName);
        return exit;
    }

    private void print(PrintWriter out, DaemonStatus status, String where) {
        out.print(json ? StatusJson.write(status) : StatusReport.render(status, where));
        out.flush();
    }
}
