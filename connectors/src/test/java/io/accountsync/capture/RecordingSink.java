package io.accountsync.capture;

import io.accountsync.model.RowChange;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** A sink that keeps every batch; it can be told to throw on the next batch that matches a condition. */
final class RecordingSink implements ChangeSink {

    private final List<List<RowChange>> batches = new ArrayList<>();
    private volatile Predicate<List<RowChange>> failWhen = b -> false;
    private final AtomicInteger failures = new AtomicInteger();
    private volatile String threadName;

    @Override
    public void accept(List<RowChange> batch) throws Exception {
        threadName = Thread.currentThread().getName();
        if (failWhen.test(batch)) {
            failures.incrementAndGet();
            throw new IllegalStateException("sink refused a batch of " + batch.size());
        }
        synchronized (this) {
            batches.add(List.copyOf(batch));
        }
    }

    /** Throws on every batch that matches from now on. */
    void failWhen(Predicate<List<RowChange>> condition) {
        failWhen = condition;
    }

    int failures() {
        return failures.get();
    }

    String threadName() {
        return threadName;
    }

    synchronized List<List<RowChange>> batches() {
        return List.copyOf(batches);
    }

    /** All accepted changes, in order. */
    synchronized List<RowChange> changes() {
        List<RowChange> all = new ArrayList<>();
        batches.forEach(all::addAll);
        return all;
    }

    /** Accepted changes other than snapshot reads. */
    List<RowChange> streamed() {
        return changes().stream().filter(c -> c.op() != RowChange.Op.READ).toList();
    }
}
