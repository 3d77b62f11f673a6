package io.accountsync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** Memory and CPU figures of processes from Linux's /proc. */
final class Procfs {
    private Procfs() {
    }

    /** A {@code Vm*} field of /proc/PID/status in kB ("self" for this JVM), or -1 when unreadable. */
    static long statusKb(String pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }

    /** The 1, 5 and 15 minute load averages (other processes on this machine skew every figure). */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static long memTotalMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Linux reports CPU times in clock ticks of 1/100 s (USER_HZ; 100 on every common architecture). */
    static final double TICK_MS = 10.0;

    /** User + system CPU of a process so far, in ms ("self" for this JVM), or 0 when unreadable (it exited). */
    static double cpuMs(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            // Fields after the command name (which may contain spaces, in parentheses): utime is the 12th, stime 13th.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_MS;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * CPU so far of every database server process on this machine (PostgreSQL backends, WAL senders and the rest;
     * mariadbd), in ms. The system's own PostgreSQL and MariaDB services are idle during a run and count for nothing.
     */
    static double databaseCpuMs() {
        double sum = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String pid = d.getFileName().toString();
                if (!pid.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String comm = Files.readString(d.resolve("comm")).trim();
                    if (comm.equals("postgres") || comm.equals("mariadbd") || comm.equals("mysqld")) {
                        sum += cpuMs(pid);
                    }
                } catch (IOException | RuntimeException e) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return sum;
    }

    /**
     * CPU so far of this JVM's threads, in ms, summed by what they do (Linux keeps the first 15 characters of a
     * Java thread's name): Debezium's log readers ({@code debezium-*} coordinators, {@code blc-*} binlog clients);
     * the engine's task threads ({@code pool-*}, renamed {@code capture-ENV-poll} by accountsync), which convert
     * each record and run accountsync's merge on it;
     * accountsync's apply workers ({@code apply-*}); this bench's own writers and pollers; the garbage collector;
     * the JIT compilers; and the rest, by name. Threads that exited meanwhile are not counted.
     */
    static Map<String, Double> jvmThreadCpuMs() {
        Map<String, Double> sum = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(t.resolve("comm")).trim();
                    sum.merge(threadGroup(comm), cpuMs("self/task/" + t.getFileName()), Double::sum);
                } catch (IOException | RuntimeException e) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            return sum;
        }
        return sum;
    }

    static String threadGroup(String comm) {
        if (comm.startsWith("debezium-") || comm.startsWith("blc-")) {
            return "debezium_log_readers";
        }
        if (comm.startsWith("pool-") || (comm.startsWith("capture-") && comm.endsWith("-poll"))) {
            return "engine_tasks_convert_and_merge";   // the engine's task threads, named capture-ENV-poll once they run
        }
        if (comm.startsWith("apply-")) {
            return "apply_workers";
        }
        if (comm.startsWith("bench-") || comm.equals("main")) {
            return "bench_writers_and_pollers";
        }
        if (comm.startsWith("GC ") || comm.startsWith("G1 ") || comm.startsWith("VM ")) {
            return "jvm_gc";
        }
        if (comm.startsWith("C1 ") || comm.startsWith("C2 ")) {
            return "jvm_jit";
        }
        return "other:" + comm.replaceAll("[0-9]+", "#");
    }

    /** Busy and total CPU time of the whole machine so far (all cores), in ms, from /proc/stat. */
    static double[] machineCpuMs() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            double total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            double idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new double[] {(total - idle) * TICK_MS, total * TICK_MS};
        } catch (IOException | RuntimeException e) {
            return new double[] {0, 0};
        }
    }
}
