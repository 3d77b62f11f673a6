package io.accountsync.pipeline;

import io.accountsync.apply.JdbcColumnLimits;
import io.accountsync.apply.JdbcPatchWriter;
import io.accountsync.apply.PatchWriter;
import io.accountsync.apply.SqlFileWriter;
import io.accountsync.config.AccountsyncConfig;
import io.accountsync.config.ConflictPolicy;
import io.accountsync.config.EnvironmentConfig;
import io.accountsync.config.Granularity;
import io.accountsync.merge.MergePolicy;
import io.accountsync.profile.ColumnLimits;
import io.accountsync.profile.Profile;
import io.accountsync.state.StateStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the pieces every command shares from the configuration: environments, policy, store, writers. */
public final class Wiring {
    private static final Logger LOG = LoggerFactory.getLogger(Wiring.class);

    private Wiring() {
    }

    /** The enabled environments, each with its bound profile and synced fields. */
    public static Map<String, EnvironmentRuntime> environments(AccountsyncConfig config) {
        Map<String, EnvironmentRuntime> envs = new LinkedHashMap<>();
        for (EnvironmentConfig e : config.environments().values()) {
            if (!e.enabled()) {
                LOG.info("environment {} is disabled", e.name());
                continue;
            }
            Profile profile = Profiles.create(e);
            envs.put(e.name(), new EnvironmentRuntime(e, profile,
                    EnvironmentRuntime.synced(profile, config.effectiveSyncFields())));
        }
        return envs;
    }

    public static MergePolicy policy(AccountsyncConfig config) {
        MergePolicy.Kind kind = switch (config.conflicts().policy()) {
            case SKIP -> MergePolicy.Kind.SKIP;
            case NEWER -> MergePolicy.Kind.NEWER;
            case PRIORITY -> MergePolicy.Kind.PRIORITY;
        };
        return new MergePolicy(kind, config.conflicts().granularity() == Granularity.RECORD,
                config.conflicts().priority(), new ArrayList<>(config.environments().keySet()));
    }

    static boolean isSkip(AccountsyncConfig config) {
        return config.conflicts().policy() == ConflictPolicy.SKIP;
    }

    /**
     * The state store: the configured one for real runs; for dry runs always an H2 file under
     * {@code <data_dir>/dry-run}, so that what a dry run believes never mixes with the real state.
     */
    public static StateStore store(AccountsyncConfig config, boolean dryRun) {
        if (dryRun) {
            Path file = config.dryRunDir().resolve("state").resolve("accountsync").toAbsolutePath();
            return new StateStore("jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE", null, null);
        }
        return new StateStore(config.stateStore().effectiveUrl(config.dataDir()), config.stateStore().user(),
                config.stateStore().password());
    }

    /** Where capture offsets live (apart for dry runs). */
    /** Where a bootstrap stages what it read (removed when it ends). */
    public static Path stagingDir(AccountsyncConfig config, boolean dryRun) {
        return (dryRun ? config.dryRunDir() : config.dataDir()).resolve("staging");
    }

    public static Path captureDir(AccountsyncConfig config, boolean dryRun, String env) {
        return (dryRun ? config.dryRunDir() : config.dataDir()).resolve("capture").resolve(env);
    }

    /**
     * The writer for one environment: jOOQ against the database, or for dry runs the environment's
     * {@code .sql} file, rendered with the environment's own column catalog (so it refuses and
     * renders exactly what a real run would).
     */
    public static PatchWriter writer(AccountsyncConfig config, EnvironmentRuntime env, boolean dryRun, boolean freshFile,
                                     Clock clock) throws Exception {
        if (!dryRun) {
            return new JdbcPatchWriter(env.name(), env.config().connection(), env.profile());
        }
        ColumnLimits limits;
        var cs = env.config().connection();
        try (Connection c = DriverManager.getConnection(cs.jdbcUrl(), cs.jdbcProperties())) {
            limits = JdbcColumnLimits.load(c, cs.dialect(), env.profile().writtenTables());
        }
        return new SqlFileWriter(env.name(), env.config().dialect(), env.profile(), config.sqlDir(), clock, limits, freshFile);
    }
}
