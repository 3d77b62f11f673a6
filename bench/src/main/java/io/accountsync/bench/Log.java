package io.accountsync.bench;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Progress lines on standard output (the daemon's own logs go to the bench log file). */
final class Log {
    private static final DateTimeFormatter T = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Log() {
    }

    static void info(String message) {
        System.out.println(LocalTime.now().format(T) + " bench: " + message);
        System.out.flush();
    }
}
