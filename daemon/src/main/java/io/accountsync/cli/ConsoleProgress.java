package io.accountsync.cli;

import io.accountsync.pipeline.BootstrapProgress;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Bootstrap progress: a bar redrawn in place on a terminal, plain lines (at most one per second per
 * phase, and at each phase's end) otherwise. The environments are read at once, so the reading line
 * shows each one's count. Thread-safe.
 */
final class ConsoleProgress implements BootstrapProgress {
    private final PrintWriter out;
    private final boolean terminal;
    private final Map<String, Long> reads = new LinkedHashMap<>();
    private long total;
    private long lastLine;

    ConsoleProgress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public synchronized void reading(String env) {
        reads.put(env, 0L);
        readLine(true);
    }

    @Override
    public synchronized void read(String env, long rows) {
        reads.put(env, rows);
        readLine(false);
    }

    @Override
    public synchronized void readDone(String env, long rows) {
        reads.put(env, rows);
        if (terminal) {
            readLine(true);
        } else {
            line("reading " + env + ": " + rows + " accounts, done", true);
        }
    }

    private void readLine(boolean force) {
        StringJoiner counts = new StringJoiner(", ", "reading ", " accounts");
        reads.forEach((env, n) -> counts.add(env + ": " + n));
        line(counts.toString(), force);
    }

    @Override
    public synchronized void merging(long localAccounts) {
        end();
        this.total = localAccounts;
        line("merging " + localAccounts + " local accounts into people", true);
    }

    @Override
    public synchronized void merged(long people, long localAccounts) {
        bar("merging", localAccounts, people + " people");
    }

    @Override
    public synchronized void indexing(long links) {
        end();
        line("building the state store's keys over " + links + " local accounts ...", true);
    }

    @Override
    public synchronized void applying(long patches) {
        end();
        total = patches;
        line("writing " + patches + " patches", true);
    }

    @Override
    public synchronized void applied(long done) {
        bar("writing", done, null);
    }

    @Override
    public synchronized void finished() {
        end();
    }

    private void bar(String what, long done, String note) {
        if (total <= 0) {
            return;
        }
        int pct = (int) Math.min(100, done * 100 / total);
        String tail = note == null ? "" : ", " + note;
        if (terminal) {
            int filled = pct / 4;
            out.print("\r" + what + " [" + "#".repeat(filled) + " ".repeat(25 - filled) + "] " + pct + "% (" + done + "/" + total
                    + tail + ")");
            out.flush();
        } else {
            line(what + ": " + done + "/" + total + " (" + pct + "%" + tail + ")", done >= total);
        }
    }

    private void line(String text, boolean force) {
        long now = System.nanoTime();
        if (terminal) {
            out.print("\r" + text + "                    ");
            out.flush();
            return;
        }
        if (force || now - lastLine > 1_000_000_000L) {
            out.println(text);
            out.flush();
            lastLine = now;
        }
    }

    private void end() {
        if (terminal) {
            out.println();
            out.flush();
        }
    }
}
