package io.accountsync.capture;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Whether an environment's engine is connected to the source's log, read from Debezium's own
 * streaming metrics (JMX attribute {@code Connected}). An engine reports RUNNING when its task
 * starts; a MariaDB/MySQL engine fixes its binlog position tens of milliseconds later. A bootstrap
 * read must not begin before the stream's start position is fixed, or a change committed in between
 * would be in neither.
 */
public final class StreamingStatus {
    private StreamingStatus() {
    }

    /** True or false once Debezium registered its streaming metrics for the environment; empty before. */
    public static Optional<Boolean> connected(String env) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            Set<ObjectName> names = server.queryNames(new ObjectName(
                    "debezium.*:type=connector-metrics,context=streaming,server=" + DebeziumProperties.topicPrefix(env) + ",*"), null);
            for (ObjectName name : names) {
                Object v = server.getAttribute(name, "Connected");
                if (v instanceof Boolean b) {
                    return Optional.of(b);
                }
            }
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
