package io.accountsync.doctor;

import io.accountsync.capture.LogSecrets;
import io.accountsync.config.AccountsyncConfig;
import io.accountsync.config.EnvironmentConfig;
import io.accountsync.model.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks every enabled environment of a configuration against its database, all at once (one
 * thread per environment, so unreachable hosts cost one connect timeout, not one each).
 */
public final class Doctor {
    /** The name of the check that reports a checker that could not finish. */
    static final String UNFINISHED = "doctor";

    /** Runs the checks; {@code only} (may be empty) restricts them to the named environments. */
    public Report run(AccountsyncConfig config, Collection<String> only) {
        Map<String, EnvironmentConfig> selected = new LinkedHashMap<>();
        config.environments().forEach((name, env) -> {
            if (only == null || only.isEmpty() || only.contains(name)) {
                selected.put(name, env);
                LogSecrets.register(env.connection().password());
            }
        });
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, selected.size())), r -> {
            Thread t = new Thread(r, "doctor-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Future<List<Check>>> running = new LinkedHashMap<>();
            selected.forEach((name, env) -> {
                if (env.enabled()) {
                    running.put(name, pool.submit(() -> {
                        Thread.currentThread().setName("doctor-" + name);
                        return check(env);
                    }));
                }
            });
            List<Report.EnvReport> reports = new ArrayList<>();
            for (EnvironmentConfig env : selected.values()) {
                List<Check> checks = List.of();
                if (env.enabled()) {
                    checks = await(env, running.get(env.name()));
                }
                reports.add(new Report.EnvReport(env.name(), env.connection().describe(), env.profile().type(),
                        env.role().configName(), env.enabled(), checks));
            }
            return new Report(reports);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One environment's checks, in report order. Never throws: a checker that breaks is a FAIL. */
    public List<Check> check(EnvironmentConfig config) {
        List<Check> out = new ArrayList<>();
        EnvSpec spec;
        try {
            spec = EnvSpec.of(config);
        } catch (RuntimeException e) {
            out.add(Check.fail(config.name(), UNFINISHED, "cannot derive the profile's tables: " + e.getMessage(),
                    "fix environments." + config.name() + ".profile"));
            return out;
        }
        try (Connection c = ConnectionChecks.connect(spec, out)) {
            if (c == null) {
                return out;
            }
            out.addAll(spec.dialect() == Dialect.POSTGRESQL ? PostgresChecks.run(c, spec) : BinlogChecks.run(c, spec));
        } catch (SQLException | RuntimeException e) {
            out.add(Check.fail(config.name(), UNFINISHED, "the checks stopped early: " + Sql.message(e, config.connection().password()),
                    "fix what the message names (often a missing privilege on the catalog), then run doctor again"));
        }
        return out;
    }

    private static List<Check> await(EnvironmentConfig env, Future<List<Check>> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(Check.fail(env.name(), UNFINISHED, "interrupted", "run doctor again"));
        } catch (ExecutionException e) {
            return List.of(Check.fail(env.name(), UNFINISHED, "the checks broke: "
                    + Sql.message(e.getCause(), env.connection().password()), "run doctor again; report it if it persists"));
        }
    }
}
