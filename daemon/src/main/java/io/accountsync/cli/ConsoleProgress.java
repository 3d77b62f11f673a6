package io.accountsync.cli;

import io.accountsync.pipeline.BootstrapProgress;
import java.io.PrintWriter;

/**
 * Bootstrap progress: a bar redrawn in place on a terminal, plain lines (at most one per second per
 * phase, and at each phase's end) otherwise.
 */
final class ConsoleProgress implements BootstrapProgress {
    private final PrintWriter out;
    private final boolean terminal;
    private long total;
    private long lastLine;

    ConsoleProgress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void reading(String env) {
        end();
        total = 0;
        line("reading " + env + " ...", true);
    }

    @Override
    public void read(String env, long rows) {
        line("reading " + env + ": " + rows + " accounts", false);
    }

    @Override
    public void merging(long total) {
        end();
        this.total = total;
        line("merging " + total + " people", true);
    }

    @Override
    public void merged(long done) {
        bar("merging", done);
    }

    @Override
    public void indexing(long links) {
        end();
        line("building the state store's keys over " + links + " local accounts ...", true);
    }

    @Override
    public void applying(long patches) {
        end();
        total = patches;
        line("writing " + patches + " patches", true);
    }

    @Override
    public void applied(long done) {
        bar("writing", done);
    }

    @Override
    public void finished() {
        end();
    }

    private void bar(String what, long done) {
        if (total <= 0) {
            return;
        }
        int pct = (int) Math.min(100, done * 100 / total);
        if (terminal) {
            int filled = pct / 4;
            out.print("\r" + what + " [" + "#".repeat(filled) + " ".repeat(25 - filled) + "] " + pct + "% (" + done + "/" + total + ")");
            out.flush();
        } else {
            line(what + ": " + done + "/" + total + " (" + pct + "%)", done >= total);
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
