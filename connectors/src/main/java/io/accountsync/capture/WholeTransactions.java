package io.accountsync.capture;

import io.accountsync.model.RowChange;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a source transaction's rows together across Debezium's polls.
 *
 * <p>Debezium hands records over in polls, and a poll may come while the connector is still queueing one
 * transaction's rows: the first rows in one batch, the rest in the next. A profile that folds a transaction's rows
 * into one account change (Trac deletes all of a session's attributes and inserts them again) would then see a
 * change that never existed, an account whose name and email were removed, and merge it. With Debezium's
 * transaction markers ({@code provide.transaction.metadata}) this class holds the rows of a transaction whose END
 * has not arrived yet and releases them with the batch that brings it. Records are only marked processed up to the
 * last whole transaction, so rows held when the engine stops are delivered again after a restart.
 *
 * <p>A transaction of more than {@link #MAX_HELD} captured rows (a bulk import) is released in parts rather than held
 * in memory whole; an account whose rows straddle a part's end may then be merged as two changes.
 *
 * <p>Not thread-safe: used on the engine's polling thread only.
 */
final class WholeTransactions {

    /** The most rows of one open transaction held back in memory. */
    static final int MAX_HELD = 20_000;

    /** One Debezium record, as far as transaction boundaries go. */
    sealed interface Item permits Marker, Row {
    }

    /**
     * Debezium's BEGIN and END markers, and OTHER: a record that carries no row change (heartbeat, tombstone,
     * truncate, schema change).
     */
    enum Marker implements Item { BEGIN, END, OTHER }

    /** A captured row change. */
    record Row(RowChange change) implements Item {
    }

    /**
     * What a batch releases.
     *
     * @param rows      the rows of every transaction completed so far, and rows outside any transaction, in order
     * @param markable  how many of the batch's first records may be marked processed: everything after them
     *                  belongs to a transaction still open
     * @param splitOpen true when an open transaction grew past {@link #MAX_HELD} and its first part was released
     *                  (once per transaction: later parts of it are released without saying so again)
     */
    record Released(List<RowChange> rows, int markable, boolean splitOpen) {
    }

    private final int maxHeld;
    private final List<RowChange> held = new ArrayList<>();
    private boolean open;
    private boolean openSplit;

    WholeTransactions() {
        this(MAX_HELD);
    }

    WholeTransactions(int maxHeld) {
        this.maxHeld = maxHeld;
    }

    /** Takes one batch's records in order and returns what may go to the sink now. */
    Released accept(List<Item> items) {
        List<RowChange> rows = new ArrayList<>(held.size() + items.size());
        int markable = 0;
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            if (item == Marker.BEGIN) {
                // A BEGIN while another transaction is open would mean a lost END: release what is held rather than
                // hold it forever.
                rows.addAll(held);
                held.clear();
                open = true;
                openSplit = false;
            } else if (item == Marker.END) {
                rows.addAll(held);
                held.clear();
                open = false;
                openSplit = false;
                markable = i + 1;
            } else if (item instanceof Row row && open) {
                held.add(row.change());
            } else if (!open) {
                if (item instanceof Row row) {
                    rows.add(row.change());
                }
                markable = i + 1;
            }
        }
        boolean firstSplit = false;
        if (held.size() > maxHeld) {
            rows.addAll(held);
            held.clear();
            markable = items.size();
            firstSplit = !openSplit;
            openSplit = true;
        }
        return new Released(rows, markable, firstSplit);
    }

    /** Rows of the open transaction held back for the next batch. */
    int held() {
        return held.size();
    }
}
