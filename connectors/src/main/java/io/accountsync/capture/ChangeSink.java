package io.accountsync.capture;

import io.accountsync.model.RowChange;
import java.util.List;

/**
 * Receives captured row changes, one batch at a time, in source order. A batch never splits a source transaction
 * (except one of more than {@value WholeTransactions#MAX_HELD} captured rows, handed on in parts).
 *
 * <p>Called on the engine's polling thread. {@link #accept} must return only once the batch's effects are durable:
 * the engine marks the batch's records processed (and so lets Debezium commit their offsets) only after it returns.
 * If it throws, nothing of the batch is marked, the engine stops in {@link EngineState#FAILED}, and an engine started
 * again with the same settings receives the batch again. Delivery is therefore at least once: a batch may come again
 * after a crash or a failure, and the sink must tolerate that.
 */
@FunctionalInterface
public interface ChangeSink {

    /**
     * Handles one batch; never called with an empty list.
     *
     * @throws Exception anything: the engine fails and the batch will be delivered again after a restart
     */
    void accept(List<RowChange> batch) throws Exception;
}
