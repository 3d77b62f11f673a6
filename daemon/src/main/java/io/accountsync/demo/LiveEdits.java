package io.accountsync.demo;

import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * The live part of the demo: every interval, one random edit (a new display name or a new address)
 * in one random application, made the way that application makes it; then the other applications'
 * databases are polled until the new value shows up, and each arrival is printed with its latency,
 * counted from the edit's commit.
 *
 * <p>Output, one line per event, in a form tests parse:
 * <pre>
 * edit 1  mediawiki  tom: display name "Thomas Sawyer" -> "Kenji Sawyer"  (how the application wrote it)
 * edit 1    -> moodle      seen after   38 ms
 * edit 1    -> trac        seen after   41 ms
 * </pre>
 */
final class LiveEdits {
    /** First names for renames: the edit changes the first word of a display name. */
    private static final List<String> FIRST_NAMES = List.of("Alex", "Sam", "Robin", "Charlie", "José", "Zoë", "Søren",
            "Amélie", "Kenji", "Noor", "Mateo", "Ingrid", "Aiko", "Luca", "Priya", "Oskar");
    private static final List<String> DOMAINS = List.of("example.org", "example.net", "mail.example.com",
            "river.example.org");
    private static final Duration POLL = Duration.ofMillis(5);

    private final List<DemoApp> apps;
    private final PrintStream out;
    private final Random random;
    private final Duration interval;
    private final int maxEdits;
    private final Duration timeout;
    private final StopSignal stop;
    private final List<Long> latencies = new ArrayList<>();
    private int edits;
    private int expected;

    /**
     * @param maxEdits how many edits to make; 0 for no limit
     * @param timeout  how long to wait for one edit to show up elsewhere
     */
    LiveEdits(List<DemoApp> apps, PrintStream out, Random random, Duration interval, int maxEdits, Duration timeout,
              StopSignal stop) {
        this.apps = List.copyOf(apps);
        this.out = out;
        this.random = random;
        this.interval = interval;
        this.maxEdits = maxEdits;
        this.timeout = timeout;
        this.stop = stop;
    }

    /** Makes edits until {@code maxEdits} are done or a stop is requested. */
    void run() throws SQLException, InterruptedException {
        int failedInARow = 0;
        while (maxEdits == 0 || edits < maxEdits) {
            if (stop.await(interval)) {
                return;
            }
            try {
                edit();
                failedInARow = 0;
            } catch (SQLException e) {
                // An application can lose a race too (MediaWiki's compare-and-set on user_touched): say
                // so and go on; a database that keeps failing ends the demo.
                out.println("a live edit could not be made: " + e.getMessage());
                if (++failedInARow >= 3) {
                    throw e;
                }
            }
        }
    }

    private void edit() throws SQLException, InterruptedException {
        DemoApp app = apps.get(random.nextInt(apps.size()));
        List<String> keys = app.keys();
        if (keys.isEmpty()) {
            return;
        }
        String key = keys.get(random.nextInt(keys.size()));
        DemoApp.Account before = app.read(key).orElseThrow();
        boolean rename = random.nextBoolean();
        int n = ++edits;
        String value;
        String what;
        String how;
        if (rename) {
            value = newDisplayName(key, before.displayName());
            what = "display name \"" + nz(before.displayName()) + "\" -> \"" + value + "\"";
            how = app.rename(key, value);
        } else {
            value = newEmail(key, before.email(), n);
            what = "email " + nz(before.email()) + " -> " + value;
            how = app.changeEmail(key, value);
        }
        long committed = System.nanoTime();
        out.printf("edit %-2d %-10s %s: %s  (%s)%n", n, app.env(), key, what, how);

        Map<String, DemoApp> pending = new LinkedHashMap<>();
        for (DemoApp other : apps) {
            if (other != app) {
                pending.put(other.env(), other);
            }
        }
        expected += pending.size();
        long deadline = committed + timeout.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline && !stop.requested()) {
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                Optional<DemoApp.Account> now = e.getValue().read(key);
                if (now.isPresent() && Objects.equals(rename ? now.get().displayName() : now.get().email(), value)) {
                    long ms = (System.nanoTime() - committed) / 1_000_000;
                    latencies.add(ms);
                    out.printf("edit %-2d   -> %-10s seen after %5d ms%n", n, e.getKey(), ms);
                    it.remove();
                }
            }
            Thread.sleep(POLL.toMillis());
        }
        if (!stop.requested()) {
            for (String env : pending.keySet()) {
                out.printf("edit %-2d   -> %-10s NOT seen within %d s%n", n, env, timeout.toSeconds());
            }
        }
    }

    private String newDisplayName(String key, String current) {
        String s = current == null ? "" : current.strip();
        int space = s.indexOf(' ');
        String first = space < 0 ? s : s.substring(0, space);
        String rest = space >= 0 ? s.substring(space + 1).strip() : s.isEmpty() ? capitalized(key) : s;
        String pick;
        do {
            pick = FIRST_NAMES.get(random.nextInt(FIRST_NAMES.size()));
        } while (pick.equals(first));
        return pick + " " + rest;
    }

    private String newEmail(String key, String current, int n) {
        String candidate;
        do {
            candidate = key + "." + n + "@" + DOMAINS.get(random.nextInt(DOMAINS.size()));
        } while (candidate.equals(current));
        return candidate;
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    int edits() {
        return edits;
    }

    /** One line: edits made, arrivals seen of those expected, median and maximum latency. */
    String summary() {
        if (edits == 0) {
            return "no live edits made";
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        String timing = sorted.isEmpty() ? ""
                : String.format("; latency median %d ms, max %d ms", sorted.get((sorted.size() - 1) / 2),
                        sorted.get(sorted.size() - 1));
        return String.format("%d live edit(s), %d of %d arrivals seen%s", edits, latencies.size(), expected, timing);
    }
}
