package io.accountsync.it;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A reproducible, divergent set of accounts for three environments {@code a}, {@code b}, {@code c}
 * (bootstrap tests). Most accounts exist everywhere, some in only two or one environment; about a
 * tenth hold a different full_name and/or email in different environments, each copy with its own
 * {@code updated_at} so that {@code conflicts.policy: newer} has a unique answer (a few exact ties
 * are included, which the policy breaks by environment order). Some usernames and names carry
 * quotes, backslashes, SQL metacharacters, non-Latin script and emoji.
 *
 * <p>{@link #expected()} computes what a bootstrap under {@code newer} must leave in every
 * environment, from the documented rule: per field, among the environments holding a (non-empty)
 * value, the one whose last activity is latest wins; a tie goes to the environment listed first.
 * Every account has a full_name, so every account is created where it is missing.
 */
public final class AccountDataSet {
    public static final List<String> ENVS = List.of("a", "b", "c");

    /** One local account as loaded into one environment. */
    public record Local(String username, String fullName, String email, Instant updatedAt) {
    }

    /** The synced fields of an account. */
    public record Fields(String fullName, String email) {
    }

    /** How many accounts, and how they are spread. */
    public record Shape(int inAll, int inTwo, int inOne, double divergent, double hostile, double nullEmail,
                        double ties) {
        public int total() {
            return inAll + inTwo + inOne;
        }
    }

    private static final Instant BASE = Instant.parse("2021-03-01T00:00:00Z");
    private static final long SPAN_SECONDS = 2L * 365 * 24 * 3600;

    private static final String[] FIRST = {"Anna", "Bernd", "Chloé", "Dmitri", "Eve", "François", "Grace", "Hiro",
        "Ingrid", "José", "Kai", "Léa", "Mats", "Nuño", "Olga", "Pål", "Qi", "Rosa", "Søren", "Tomasz"};
    private static final String[] LAST = {"Müller", "Smith", "Dupont", "Ivanova", "García", "Nakamura", "Rossi",
        "Nowak", "Larsen", "Öztürk", "Kowalski", "Ng", "Brown", "Silva", "Schmidt"};
    /** Names an application will sooner or later hold. */
    private static final String[] HOSTILE_NAMES = {
        "O'Brien", "Robert'); DROP TABLE users;--", "Back\\Slash \\n \\' \\\\ end\\", "Quote \"Q\" O''Neil",
        "Smile \uD83D\uDE00\uD83C\uDF89", "名前 テスト", "Semi; colon -- not a /* comment */", "Tab\there",
        "Line\nbreak", "Percent %s _under_", "Dollar $$ :var :'x' ${y}", "Ünïcødé Ñame", "Zoë \"Q\" O'Neil \\ %_",
        "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 family", "Ctrl-Z \u001a end", "\\",
    };
    private static final String[] HOSTILE_USER_PREFIXES = {"o'neil", "back\\slash", "quo\"te", "zoë", "emoji\uD83D\uDE00",
        "semi;colon", "名前", "dollar$", "per%cent_"};

    private final Map<String, List<Local>> byEnv = new LinkedHashMap<>();
    private final List<String> usernames = new ArrayList<>();
    private final Set<String> divergent = new LinkedHashSet<>();
    private final Map<String, Set<String>> missing = new LinkedHashMap<>();

    private AccountDataSet() {
        ENVS.forEach(e -> {
            byEnv.put(e, new ArrayList<>());
            missing.put(e, new LinkedHashSet<>());
        });
    }

    /** The accounts, reproducible from {@code seed}. */
    public static AccountDataSet generate(Shape shape, long seed) {
        AccountDataSet ds = new AccountDataSet();
        Random r = new Random(seed);
        int total = shape.total();
        List<Integer> placement = new ArrayList<>(total);
        for (int i = 0; i < shape.inAll(); i++) {
            placement.add(3);
        }
        for (int i = 0; i < shape.inTwo(); i++) {
            placement.add(2);
        }
        for (int i = 0; i < shape.inOne(); i++) {
            placement.add(1);
        }
        Collections.shuffle(placement, r);
        // Divergence is drawn among accounts held by two or more environments, so that about
        // shape.divergent() of ALL accounts diverge.
        int multi = shape.inAll() + shape.inTwo();
        double pDiverge = multi == 0 ? 0 : Math.min(1.0, shape.divergent() * total / multi);
        for (int i = 0; i < total; i++) {
            boolean hostile = r.nextDouble() < shape.hostile();
            String username = hostile
                    ? HOSTILE_USER_PREFIXES[r.nextInt(HOSTILE_USER_PREFIXES.length)] + String.format("%06d", i)
                    : String.format("user%06d", i);
            ds.usernames.add(username);
            List<String> envs = new ArrayList<>(ENVS);
            Collections.shuffle(envs, r);
            List<String> holders = new ArrayList<>(envs.subList(0, placement.get(i)));
            holders.sort(null);
            for (String e : ENVS) {
                if (!holders.contains(e)) {
                    ds.missing.get(e).add(username);
                }
            }
            String name = hostile && r.nextBoolean()
                    ? HOSTILE_NAMES[r.nextInt(HOSTILE_NAMES.length)] + " " + i
                    : FIRST[r.nextInt(FIRST.length)] + " " + LAST[r.nextInt(LAST.length)] + " " + i;
            String email = r.nextDouble() < shape.nullEmail() ? null
                    : username.replaceAll("[^A-Za-z0-9._%+-]", "_") + (hostile ? "+o'q" : "") + "@example.org";
            Instant base = BASE.plusSeconds((long) (r.nextDouble() * SPAN_SECONDS)).plusNanos(r.nextInt(1_000_000) * 1000L);
            boolean diverge = holders.size() >= 2 && r.nextDouble() < pDiverge;
            boolean tie = diverge && r.nextDouble() < shape.ties();
            // Which field(s) diverge: 0 = full_name, 1 = email, 2 = both.
            int which = diverge ? r.nextInt(3) : -1;
            boolean diverged = false;
            Instant tieTime = base.plus(r.nextInt(100_000), ChronoUnit.SECONDS);
            for (int k = 0; k < holders.size(); k++) {
                String env = holders.get(k);
                String n = name;
                String m = email;
                Instant t = base.plus((long) r.nextInt(300 * 24 * 3600), ChronoUnit.SECONDS)
                        .plusNanos(r.nextInt(1_000_000) * 1000L);
                if (diverge && k > 0) {
                    // Each later holder disagrees with the first one (sometimes with the others too).
                    if (which == 0 || which == 2) {
                        n = r.nextBoolean() ? name + " (" + env + ")" : HOSTILE_NAMES[r.nextInt(HOSTILE_NAMES.length)] + " " + env + i;
                        diverged = true;
                    }
                    if ((which == 1 || which == 2) && email != null) {
                        m = username.replaceAll("[^A-Za-z0-9._%+-]", "_") + "@" + env + ".example.net";
                        diverged = true;
                    }
                }
                if (tie && k < 2) {
                    t = tieTime;
                }
                ds.byEnv.get(env).add(new Local(username, n, m, t));
            }
            if (diverged) {
                ds.divergent.add(username);
            }
        }
        return ds;
    }

    public List<Local> rows(String env) {
        return byEnv.get(env);
    }

    public List<String> usernames() {
        return usernames;
    }

    /** Accounts whose environments hold different values of a synced field. */
    public Set<String> divergent() {
        return divergent;
    }

    /** Accounts that {@code env} does not hold (the bootstrap creates them there). */
    public Set<String> missing(String env) {
        return missing.get(env);
    }

    /** Local accounts by environment and username. */
    public Map<String, Map<String, Local>> index() {
        Map<String, Map<String, Local>> out = new LinkedHashMap<>();
        byEnv.forEach((env, rows) -> {
            Map<String, Local> m = new HashMap<>();
            rows.forEach(l -> m.put(l.username(), l));
            out.put(env, m);
        });
        return out;
    }

    /** What every environment must hold after a bootstrap under {@code newer}: username → fields. */
    public Map<String, Fields> expected() {
        Map<String, Map<String, Local>> idx = index();
        Map<String, Fields> out = new TreeMap<>();
        for (String u : usernames) {
            List<Local> locals = new ArrayList<>();
            for (String env : ENVS) {
                Local l = idx.get(env).get(u);
                if (l != null) {
                    locals.add(l);
                }
            }
            out.put(u, new Fields(winner(locals, Local::fullName), winner(locals, Local::email)));
        }
        return out;
    }

    /** Number of accounts where the policy has to decide (some field with two or more values). */
    public long decidedConflicts() {
        Map<String, Map<String, Local>> idx = index();
        long n = 0;
        for (String u : usernames) {
            Set<String> names = new LinkedHashSet<>();
            Set<String> emails = new LinkedHashSet<>();
            for (String env : ENVS) {
                Local l = idx.get(env).get(u);
                if (l != null) {
                    if (l.fullName() != null && !l.fullName().isEmpty()) {
                        names.add(l.fullName());
                    }
                    if (l.email() != null && !l.email().isEmpty()) {
                        emails.add(l.email());
                    }
                }
            }
            if (names.size() > 1 || emails.size() > 1) {
                n++;
            }
        }
        return n;
    }

    /** Accounts of {@code env} whose current values differ from {@link #expected()}: the bootstrap updates them. */
    public long toUpdate(String env) {
        Map<String, Fields> expected = expected();
        long n = 0;
        for (Local l : byEnv.get(env)) {
            Fields want = expected.get(l.username());
            boolean differs = (want.fullName() != null && !Objects.equals(want.fullName(), l.fullName()))
                    || (want.email() != null && !Objects.equals(want.email(), l.email()));
            if (differs) {
                n++;
            }
        }
        return n;
    }

    private static String winner(List<Local> locals, java.util.function.Function<Local, String> field) {
        Local best = null;
        for (Local l : locals) {   // in environment order a, b, c: a tie keeps the earlier one
            String v = field.apply(l);
            if (v == null || v.isEmpty()) {
                continue;
            }
            if (best == null || activity(l).isAfter(activity(best))) {
                best = l;
            }
        }
        return best == null ? null : field.apply(best);
    }

    private static Instant activity(Local l) {
        return l.updatedAt() == null ? Instant.EPOCH : l.updatedAt();
    }
}
