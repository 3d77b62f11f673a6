package io.accountsync.capture;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Routes java.util.logging to slf4j, once per JVM: the MariaDB/MySQL binlog client logs through JUL, and would
 * otherwise write to stderr past the application's logging configuration. For speed, the logback configuration
 * should also install {@code ch.qos.logback.classic.jul.LevelChangePropagator}.
 */
final class JulBridge {

    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private JulBridge() {
    }

    static void install() {
        if (INSTALLED.compareAndSet(false, true) && !SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
