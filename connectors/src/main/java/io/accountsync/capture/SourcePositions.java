package io.accountsync.capture;

import io.accountsync.model.Dialect;
import java.util.OptionalLong;

/**
 * Orders source positions of one environment, so that a change delivered again after a restart
 * (delivery is at-least-once) can be recognised: PostgreSQL by the change's LSN, MariaDB/MySQL by
 * the GTID sequence number of its transaction.
 */
public final class SourcePositions {
    private SourcePositions() {
    }

    /** The position's order, when the format is known. */
    public static OptionalLong order(Dialect dialect, String position) {
        if (position == null) {
            return OptionalLong.empty();
        }
        try {
            if (dialect == Dialect.POSTGRESQL) {
                if (position.startsWith("lsn=")) {
                    return OptionalLong.of(Long.parseLong(position.substring(4).trim()));
                }
                return OptionalLong.empty();
            }
            String gtid = position.split(" ", 2)[0];
            String[] parts = gtid.split("-");
            if (parts.length == 3) {
                return OptionalLong.of(Long.parseLong(parts[2]));
            }
            int colon = gtid.lastIndexOf(':');
            if (colon > 0) {   // MySQL uuid:seq
                return OptionalLong.of(Long.parseLong(gtid.substring(colon + 1)));
            }
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /**
     * Whether a change at {@code order} was already processed when {@code lastSeen} was: PostgreSQL
     * LSNs are unique per change; one MariaDB transaction can hold several rows of one account, so
     * only a strictly older transaction is a replay there.
     */
    public static boolean isReplay(Dialect dialect, long order, long lastSeen) {
        return dialect == Dialect.POSTGRESQL ? order <= lastSeen : order < lastSeen;
    }
}
