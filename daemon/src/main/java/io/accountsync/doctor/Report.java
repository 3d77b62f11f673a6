package io.accountsync.doctor;

import java.util.List;

/**
 * What {@code accountsync doctor} found, environment by environment in configuration order.
 *
 * @param environments one entry per configured environment (disabled ones carry no checks)
 */
public record Report(List<EnvReport> environments) {

    public Report {
        environments = List.copyOf(environments);
    }

    /**
     * One environment's checks.
     *
     * @param env     its name
     * @param target  where it points, without the password ({@code postgresql://user@host:port/db})
     * @param profile the profile type
     * @param role    both, source or target
     * @param enabled false: not checked
     * @param checks  in report order
     */
    public record EnvReport(String env, String target, String profile, String role, boolean enabled, List<Check> checks) {
        public EnvReport {
            checks = List.copyOf(checks);
        }
    }

    public long count(Status status) {
        return environments.stream().flatMap(e -> e.checks().stream()).filter(c -> c.status() == status).count();
    }

    /** 1 when any check failed, else 0 (warnings alone do not fail). */
    public int exitCode() {
        return count(Status.FAIL) > 0 ? 1 : 0;
    }
}
