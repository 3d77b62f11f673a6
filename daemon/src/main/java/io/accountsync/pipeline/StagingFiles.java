package io.accountsync.pipeline;

import io.accountsync.merge.BootstrapMerger;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bootstrap's staging area: every local account read, sorted by correlation key without holding
 * them all in memory — an external merge sort. Rows are collected in memory up to {@link #RUN_ROWS},
 * sorted by (key, environment, local key) and written to a run file; the runs are then merged, so
 * people arrive one after the other in key order, which also keeps the state store's inserts close
 * to sequential. Sequential file writes replace the millions of indexed, transactional inserts a
 * staging table cost (the bootstrap's largest item in JFR before).
 *
 * <p>Environments are read in parallel: each reader stages through a {@link Writer} of its own (its own
 * run in memory, its own run files), and the merge reads every run file whatever wrote it.
 *
 * <p>The files live in a directory of their own beside the state store and are deleted on close; a
 * bootstrap that dies leaves nothing the next one would read (it starts with a fresh directory), and the
 * next one deletes what it left ({@link #removeLeftovers}).
 */
final class StagingFiles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StagingFiles.class);
    /**
     * Rows a writer sorts in memory before it writes them out as a run. With three environments read at once,
     * three such runs are in memory at the same time.
     */
    static final int RUN_ROWS = 25_000;
    private static final int BUFFER = 64 * 1024;
    private static final Comparator<Row> ORDER = Comparator.comparing(Row::key)
            .thenComparing(r -> r.local().env()).thenComparing(r -> r.local().localKey());

    private final Path dir;
    private final List<Path> runs = new ArrayList<>();
    private final AtomicLong rows = new AtomicLong();

    /** A person: the correlation key and every local account that has it. */
    record Person(String key, List<BootstrapMerger.Local> locals) {
    }

    interface PersonSink {
        void accept(Person p) throws Exception;
    }

    private record Row(String key, BootstrapMerger.Local local) {
    }

    /** A staging directory's name: this prefix, the process id, a dash, and a random part. */
    static final String PREFIX = "bootstrap-staging-";

    StagingFiles(Path parent) throws IOException {
        Files.createDirectories(parent);
        removeLeftovers(parent);
        this.dir = Files.createTempDirectory(parent, PREFIX + ProcessHandle.current().pid() + "-");
    }

    /**
     * Deletes the staging directories of bootstraps whose process is gone (killed, or the machine stopped): a
     * bootstrap that dies never reads them again, and a million accounts stage a few hundred MB. A directory
     * whose process still runs (another bootstrap, started by mistake on the same data directory) is left
     * alone, as is anything not named like a staging directory.
     */
    static void removeLeftovers(Path parent) throws IOException {
        List<Path> dead = new ArrayList<>();
        try (Stream<Path> entries = Files.list(parent)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                int dash = name.indexOf('-', PREFIX.length());
                if (!name.startsWith(PREFIX) || dash < 0 || !Files.isDirectory(p)) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(name.substring(PREFIX.length(), dash));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                dead.add(p);
            }
        }
        for (Path d : dead) {
            delete(d);
            LOG.info("removed the staging files of a bootstrap that did not finish: {}", d);
        }
    }

    /** Deletes a staging directory and its run files. */
    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    /** One reader's way in: not thread-safe itself, but any number of writers may stage at once. */
    final class Writer implements AutoCloseable {
        private final List<Row> run = new ArrayList<>();

        void add(String key, BootstrapMerger.Local l) throws IOException {
            run.add(new Row(key, l));
            if (run.size() >= RUN_ROWS) {
                writeRun();
            }
        }

        private void writeRun() throws IOException {
            if (run.isEmpty()) {
                return;
            }
            run.sort(ORDER);
            rows.addAndGet(run.size());   // once per run, not per row: the readers share the counter
            Path f;
            synchronized (runs) {
                f = dir.resolve("run" + runs.size());
                runs.add(f);
            }
            try (DataOutputStream o = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(f), BUFFER))) {
                for (Row r : run) {
                    write(o, r);
                }
            }
            run.clear();
        }

        /** Writes what is left in memory as a last run. */
        @Override
        public void close() throws IOException {
            writeRun();
        }
    }

    Writer writer() {
        return new Writer();
    }

    /** The local accounts in every run written so far (all of them once every writer is closed). */
    long rows() {
        return rows.get();
    }

    /**
     * Every person in key order, the local accounts in (environment, local key) order. Call it once every
     * writer is closed.
     */
    void forEachPerson(PersonSink sink) throws Exception {
        List<DataInputStream> in = new ArrayList<>();
        try {
            PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> ORDER.compare(a.row, b.row));
            for (Path f : runs) {
                DataInputStream d = new DataInputStream(new BufferedInputStream(Files.newInputStream(f), BUFFER));
                in.add(d);
                Row r = read(d);
                if (r != null) {
                    heads.add(new Head(r, d));
                }
            }
            String key = null;
            List<BootstrapMerger.Local> group = new ArrayList<>(3);
            while (!heads.isEmpty()) {
                Head h = heads.poll();
                if (key != null && !key.equals(h.row.key())) {
                    sink.accept(new Person(key, group));
                    group = new ArrayList<>(3);
                }
                key = h.row.key();
                group.add(h.row.local());
                Row next = read(h.in);
                if (next != null) {
                    heads.add(new Head(next, h.in));
                }
            }
            if (key != null) {
                sink.accept(new Person(key, group));
            }
        } finally {
            for (DataInputStream d : in) {
                d.close();
            }
        }
    }

    private record Head(Row row, DataInputStream in) {
    }

    private static void write(DataOutputStream o, Row r) throws IOException {
        BootstrapMerger.Local l = r.local();
        writeString(o, r.key());
        writeString(o, l.env());
        writeString(o, l.localKey());
        writeString(o, l.username());
        o.writeInt(l.values().size());
        for (Map.Entry<String, String> v : l.values().entrySet()) {
            writeString(o, v.getKey());
            writeString(o, v.getValue());
        }
        o.writeBoolean(l.lastActivity() != null);
        if (l.lastActivity() != null) {
            o.writeLong(l.lastActivity().getEpochSecond());
            o.writeInt(l.lastActivity().getNano());
        }
    }

    /** The next row of a run, or null at its end. */
    private static Row read(DataInputStream in) throws IOException {
        String key;
        try {
            key = readString(in);
        } catch (EOFException end) {
            return null;
        }
        String env = readString(in);
        String localKey = readString(in);
        String username = readString(in);
        int n = in.readInt();
        Map<String, String> values = new LinkedHashMap<>(n * 2);
        for (int j = 0; j < n; j++) {
            values.put(readString(in), readString(in));
        }
        Instant activity = in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
        return new Row(key, new BootstrapMerger.Local(env, localKey, username, values, activity));
    }

    private static void writeString(DataOutputStream o, String s) throws IOException {
        if (s == null) {
            o.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        o.writeInt(b.length);
        o.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the bootstrap's staging files in " + dir, e);
        }
    }
}
