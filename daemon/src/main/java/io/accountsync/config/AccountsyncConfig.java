package io.accountsync.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole configuration, as loaded by {@link ConfigLoader}. Paths are absolute; secrets print as
 * [hidden], so {@code toString()} is safe to log.
 *
 * @param configFile   the file it was read from
 * @param dataDir      the working directory (state store, SQL files)
 * @param dryRun       write nothing to any environment; write per-environment SQL files instead
 * @param sqlDir       where dry runs write {@code <env>.sql}
 * @param syncFields   the canonical fields kept in line between environments
 * @param stateStore   accountsync's own database
 * @param metrics      the Prometheus endpoint
 * @param apply        how patches are written
 * @param environments the application databases by name, in file order
 */
public record AccountsyncConfig(
        Path configFile,
        Path dataDir,
        boolean dryRun,
        Path sqlDir,
        List<String> syncFields,
        StateStoreConfig stateStore,
        MetricsConfig metrics,
        ApplyConfig apply,
        Map<String, EnvironmentConfig> environments) {

    public AccountsyncConfig {
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(sqlDir, "sqlDir");
        Objects.requireNonNull(stateStore, "stateStore");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(apply, "apply");
        syncFields = List.copyOf(syncFields);
        if (environments == null || environments.isEmpty()) {
            throw new IllegalArgumentException("at least one environment is required");
        }
        environments.forEach((name, env) -> {
            if (!name.equals(env.name())) {
                throw new IllegalArgumentException("environment keyed '" + name + "' is named '" + env.name() + "'");
            }
        });
        environments = Collections.unmodifiableMap(new LinkedHashMap<>(environments));
    }

    /** The named environment, or null. */
    public EnvironmentConfig environment(String name) {
        return environments.get(name);
    }

    /** The effective JDBC URL of the state store (the default H2 file lives under {@link #dataDir}). */
    public String stateStoreUrl() {
        return stateStore.effectiveUrl(dataDir);
    }
}
