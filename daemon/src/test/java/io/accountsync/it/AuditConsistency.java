package io.accountsync.it;

import io.accountsync.model.Dialect;
import io.accountsync.state.CanonicalValue;
import io.accountsync.state.StateDao;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Whether the state store's canonical values and audit log agree with what the crash suite's
 * writers did ({@link CrashWorkload}'s ledger). Per account and synced field:
 *
 * <ol>
 *   <li><b>canonical</b>: the canonical value is the last value written anywhere, and comes from the
 *       environment it was written in;</li>
 *   <li><b>last change</b>: the last audit entry that set the field's canonical value is the
 *       {@code change} seen from that environment, dated within the commit window of that write,
 *       with the canonical value's source time;</li>
 *   <li><b>written</b>: every other environment has a {@code write} entry for the field carrying that
 *       change's source time (the value was applied there);</li>
 *   <li><b>phantom</b>: every {@code change} entry for the field from an environment matches an update
 *       the writers made there (no change recorded that nobody made, e.g. an unrecognised echo);</li>
 *   <li><b>unexpected</b>: no {@code conflict}, {@code held}, {@code echo} or {@code deleted-in-source}
 *       entry (the policy is {@code newer}, nothing is deleted, an echo never sets a value), no
 *       quarantine entry and no conflict in the inbox.</li>
 * </ol>
 */
final class AuditConsistency {
    /** Actions that set canonical values. */
    private static final Set<String> SETTING = Set.of("change", "echo", "bootstrap", "resolve");
    private static final Set<String> UNEXPECTED = Set.of("conflict", "held", "echo", "deleted-in-source");
    private static final int SAMPLES = 5;

    /** Violations per check, each with a few examples. */
    record Result(Map<String, List<String>> violations, Map<String, Long> counts, long entries) {
        long total() {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }

        String describe() {
            StringBuilder sb = new StringBuilder();
            counts.forEach((check, n) -> {
                if (n > 0) {
                    sb.append(check).append(": ").append(n).append(" (e.g. ")
                            .append(String.join("; ", violations.get(check))).append(")\n");
                }
            });
            return sb.length() == 0 ? "consistent (" + entries + " audit entries)" : sb.toString();
        }
    }

    private final Map<String, List<String>> violations = new LinkedHashMap<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Function<String, Dialect> dialects;

    private AuditConsistency(Function<String, Dialect> dialects) {
        this.dialects = dialects;
        for (String check : List.of("canonical", "last change", "written", "phantom", "unexpected")) {
            violations.put(check, new ArrayList<>());
            counts.put(check, 0L);
        }
    }

    static Result check(StateDao dao, CrashWorkload workload, Function<String, Dialect> dialects) throws SQLException {
        AuditConsistency c = new AuditConsistency(dialects);
        long entries = 0;
        for (int account = 0; account < workload.accounts(); account++) {
            String user = CrashWorkload.username(account);
            Optional<Long> gid = dao.accountByKey(user);
            if (gid.isEmpty()) {
                c.violation("canonical", user + ": no account in the state store");
                continue;
            }
            List<StateDao.AuditEntry> log = dao.auditLog(gid.get());
            entries += log.size();
            Map<String, CanonicalValue> canonical = dao.canonical(gid.get());
            for (StateDao.AuditEntry e : log) {
                if (UNEXPECTED.contains(e.action()) || e.action().startsWith("quarantine")) {
                    c.violation("unexpected", user + " #" + e.id() + " " + e.action() + " in " + e.env() + " [" + e.fields() + "] " + e.detail());
                }
            }
            for (String field : CrashWorkload.FIELDS) {
                c.field(user, field, workload.writes(account, field), workload.expected(account, field),
                        canonical.get(field), log);
            }
        }
        long quarantined = dao.count("quarantine");
        if (quarantined > 0) {
            c.violation("unexpected", quarantined + " quarantine entries (`accountsync quarantine list`)");
        }
        long conflicts = dao.count("conflict");
        if (conflicts > 0) {
            c.violation("unexpected", conflicts + " conflicts in the inbox (`accountsync conflicts list --all`)");
        }
        return new Result(c.violations, c.counts, entries);
    }

    private void field(String user, String field, List<CrashWorkload.Write> writes, String expected,
                       CanonicalValue canonical, List<StateDao.AuditEntry> log) {
        String what = user + "." + field;
        CrashWorkload.Write last = writes.isEmpty() ? null : writes.get(writes.size() - 1);
        if (canonical == null || !expected.equals(canonical.value())
                || (last != null && !last.env().equals(canonical.sourceEnv()))) {
            violation("canonical", what + ": canonical " + canonical + ", last written " + (last == null ? "(seed) " + expected : last));
        }
        StateDao.AuditEntry setter = null;
        for (StateDao.AuditEntry e : log) {
            if (SETTING.contains(e.action()) && touches(e, field)) {
                setter = e;
            }
        }
        if (last == null) {
            if (setter == null || !setter.action().equals("bootstrap")) {
                violation("last change", what + ": never updated, yet last set by " + describe(setter));
            }
        } else if (setter == null || !setter.action().equals("change") || !setter.env().equals(last.env())
                || setter.sourceTime() == null || !within(setter.sourceTime(), last)
                || (canonical != null && !sameInstant(setter.sourceTime(), canonical.sourceTime()))) {
            violation("last change", what + ": last written " + last + ", last set by " + describe(setter)
                    + (canonical == null ? "" : ", canonical from " + canonical.sourceTime()));
        } else {
            for (String env : ThreeEnvFixture.ENVS) {
                if (env.equals(last.env())) {
                    continue;
                }
                StateDao.AuditEntry s = setter;
                boolean written = log.stream().anyMatch(e -> e.id() > s.id() && e.env().equals(env)
                        && (e.action().equals("write") || e.action().equals("create")) && touches(e, field)
                        && e.sourceTime() != null && sameInstant(e.sourceTime(), s.sourceTime()));
                if (!written) {
                    violation("written", what + ": no write to " + env + " after " + describe(setter));
                }
            }
        }
        for (StateDao.AuditEntry e : log) {
            if (e.action().equals("change") && touches(e, field)) {
                boolean made = e.sourceTime() != null && writes.stream()
                        .anyMatch(w -> w.env().equals(e.env()) && within(e.sourceTime(), w));
                if (!made) {
                    violation("phantom", what + ": " + describe(e) + " matches no update made in " + e.env());
                }
            }
        }
    }

    /** Whether a source commit time can be this write's: PostgreSQL's is exact, MariaDB's binlog is dated to the second. */
    private boolean within(Instant sourceTime, CrashWorkload.Write w) {
        Duration slack = dialects.apply(w.env()) == Dialect.POSTGRESQL ? Duration.ofMillis(250) : Duration.ofMillis(1200);
        return !sourceTime.isBefore(w.started().minus(slack)) && !sourceTime.isAfter(w.committed().plus(slack));
    }

    private static boolean sameInstant(Instant a, Instant b) {
        return Math.abs(Duration.between(a, b).toNanos()) < 1_000_000;
    }

    private static boolean touches(StateDao.AuditEntry e, String field) {
        return e.fields() != null && Arrays.asList(e.fields().split(",")).contains(field);
    }

    private static String describe(StateDao.AuditEntry e) {
        return e == null ? "(nothing)" : "#" + e.id() + " " + e.action() + " in " + e.env() + " [" + e.fields()
                + "] source " + e.sourceTime() + " at " + e.at() + " (" + e.detail() + ")";
    }

    private void violation(String check, String example) {
        counts.merge(check, 1L, Long::sum);
        List<String> samples = violations.get(check);
        if (samples.size() < SAMPLES) {
            samples.add(example);
        }
    }
}
