package io.accountsync.config;

import io.accountsync.model.Fields;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * @param syncFields   the canonical fields kept in line between environments, as configured (see
 *                     {@link #effectiveSyncFields()} for what is actually synced)
 * @param conflicts    how conflicting values are resolved
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
        ConflictsConfig conflicts,
        StateStoreConfig stateStore,
        MetricsConfig metrics,
        ApplyConfig apply,
        Map<String, EnvironmentConfig> environments) {

    public AccountsyncConfig {
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(sqlDir, "sqlDir");
        Objects.requireNonNull(conflicts, "conflicts");
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
        for (String name : conflicts.priority()) {
            if (!environments.containsKey(name)) {
                throw new IllegalArgumentException("priority names environment '" + name + "', which is not configured");
            }
        }
        environments = Collections.unmodifiableMap(new LinkedHashMap<>(environments));
    }

    /**
     * The fields actually synced: {@link #syncFields} plus {@code email_verified} right after
     * {@code email} when {@code email} is listed, since an address and whether it was verified
     * travel as one unit.
     */
    public List<String> effectiveSyncFields() {
        if (!syncFields.contains(Fields.EMAIL) || syncFields.contains(Fields.EMAIL_VERIFIED)) {
            return syncFields;
        }
        List<String> fields = new ArrayList<>(syncFields);
        fields.add(fields.indexOf(Fields.EMAIL) + 1, Fields.EMAIL_VERIFIED);
        return List.copyOf(fields);
    }

    /** The named environment, or null. */
    public EnvironmentConfig environment(String name) {
        return environments.get(name);
    }

    /** The effective JDBC URL of the state store (the default H2 file lives under {@link #dataDir}). */
    public String stateStoreUrl() {
        return stateStore.effectiveUrl(dataDir);
    }

    /**
     * {@code <data_dir>/dry-run}: state and capture offsets of dry runs live apart from the real
     * ones, so switching {@code dry_run} off starts from a clean state.
     */
    public Path dryRunDir() {
        return dataDir.resolve("dry-run");
    }
}
