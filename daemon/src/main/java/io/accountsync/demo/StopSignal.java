package io.accountsync.demo;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into a stop request that the demo's own thread carries out in
 * order — daemon first, databases last — and then exits 0. Left to the JVM, those signals would run
 * the shutdown hooks concurrently and exit 130/143. A second signal while stopping gives up waiting
 * and halts.
 */
final class StopSignal {
    private final CountDownLatch requested = new CountDownLatch(1);
    private volatile String reason;

    /** Installs the handlers; where the JVM does not allow it, the demo's shutdown hook still cleans up. */
    void install(Runnable onFirst) {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), s -> {
                    if (requested.getCount() == 0) {
                        System.err.println("accountsync demo: second SIG" + name + ", not waiting any longer");
                        Runtime.getRuntime().halt(130);
                    }
                    request("SIG" + name);
                    onFirst.run();
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // Signal in use by the VM (e.g. -Xrs): fall back to the shutdown hook.
            }
        }
    }

    void request(String why) {
        if (requested.getCount() > 0) {
            reason = why;
            requested.countDown();
        }
    }

    boolean requested() {
        return requested.getCount() == 0;
    }

    String reason() {
        return reason;
    }

    /** Waits up to {@code d}; true when a stop was requested meanwhile. */
    boolean await(Duration d) throws InterruptedException {
        return requested.await(d.toNanos(), TimeUnit.NANOSECONDS);
    }
}
