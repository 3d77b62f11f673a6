package io.accountsync.doctor;

import io.accountsync.config.AccountsyncConfig;
import java.util.List;
import java.util.Set;

/**
 * The doctor's checks that make starting pointless, run before {@code run} and {@code bootstrap}: a
 * port that speaks the other dialect's protocol, a profile table that does not exist, a mapped
 * column that does not exist. Each is a configuration (or installation) mistake that retrying never
 * fixes; an environment that is merely down is not among them (the daemon waits for it).
 */
public final class Preflight {
    private static final Set<String> BLOCKING = Set.of(ConnectionChecks.DIALECT, ProfileChecks.TABLES, ProfileChecks.COLUMNS);

    private Preflight() {
    }

    /** The failed blocking checks of every enabled environment (empty: go ahead). */
    public static List<Check> failures(AccountsyncConfig config) {
        Report report = new Doctor().run(config, List.of());
        return report.environments().stream().flatMap(e -> e.checks().stream())
                .filter(c -> c.status() == Status.FAIL && BLOCKING.contains(c.name())).toList();
    }

    /** One paragraph per failure: the environment, the check, what was found, the fix. */
    public static String describe(List<Check> failures) {
        StringBuilder b = new StringBuilder();
        for (Check c : failures) {
            b.append("error: environment ").append(c.env()).append(": ").append(c.name()).append(": ").append(c.detail())
                    .append('\n');
            for (String line : c.fix().split("\n")) {
                b.append("  fix: ").append(line).append('\n');
            }
        }
        return b.toString();
    }
}
