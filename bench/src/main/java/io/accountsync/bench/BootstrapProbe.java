package io.accountsync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountsync.cli.Main;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Runs {@code accountsync bootstrap -c CONFIG} in a JVM of its own (so that its memory is the daemon's alone) and
 * writes what it measured to a JSON file: seconds, exit code, heap after a full GC once the bootstrap is done,
 * the largest heap in use right after any collection during it (heap pools only; an upper bound of the live set: young
 * collections leave old garbage in place), and the process's peak RSS (VmHWM).
 *
 * <p>Usage: {@code BootstrapProbe CONFIG RESULT_JSON}; the database password comes from the environment variable
 * the configuration names.
 */
public final class BootstrapProbe {
    private BootstrapProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path config = Path.of(args[0]);
        Path result = Path.of(args[1]);
        AtomicLong peakLive = new AtomicLong();
        AtomicLong collections = new AtomicLong();
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                            (CompositeData) n.getUserData());
                    // Heap pools only: the map also holds Metaspace and the code cache.
                    long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(e -> heapPools.contains(e.getKey()))
                            .mapToLong(e -> e.getValue().getUsed()).sum();
                    peakLive.accumulateAndGet(used, Math::max);
                    collections.incrementAndGet();
                }
            }, null, null);
        }
        long t0 = System.nanoTime();
        int rc = Main.execute("bootstrap", "-c", config.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.gc();
        System.gc();
        long heapAfter = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("exit_code", rc);
        m.put("seconds", seconds);
        m.put("heap_after_bootstrap_mb", heapAfter / 1048576.0);
        m.put("peak_heap_after_gc_mb", peakLive.get() / 1048576.0);
        m.put("gc_count", collections.get());
        m.put("peak_heap_used_mb", peakUsed() / 1048576.0);
        m.put("heap_max_mb", Runtime.getRuntime().maxMemory() / 1048576.0);
        m.put("peak_rss_mb", Procfs.statusKb("self", "VmHWM") / 1024.0);
        m.put("rss_mb", Procfs.statusKb("self", "VmRSS") / 1024.0);
        m.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(result.toFile(), m);
        System.exit(rc == 0 ? 0 : 10 + rc);
    }

    private static long peakUsed() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
