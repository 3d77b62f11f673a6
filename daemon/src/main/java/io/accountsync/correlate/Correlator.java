package io.accountsync.correlate;

import io.accountsync.model.AccountChange;
import io.accountsync.profile.Profile;
import io.accountsync.state.BatchState;
import io.accountsync.state.StateDao;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Correlates by the normalized username: an existing link wins; otherwise the account with the same
 * username key is linked, or a new canonical account is created. Two local accounts of one
 * environment that map to one canonical account are a conflict, never a guess.
 */
public final class Correlator {

    public Correlation correlate(BatchState dao, AccountChange change, Profile profile, Instant now) throws SQLException {
        Optional<StateDao.Link> link = dao.link(change.localKey());
        if (link.isPresent()) {
            if (change.username() != null && !change.username().equals(link.get().username())) {
                dao.upsertLink(change.localKey(), link.get().globalId(), change.username(), now);
            }
            return new Correlation(link.get().globalId(), false, null);
        }
        String key = profile.correlationKey(change.username());
        if (key == null || key.isEmpty()) {
            return Correlation.conflict("username is empty after normalization");
        }
        Optional<Long> existing = dao.accountByKey(key);
        long globalId;
        if (existing.isPresent()) {
            globalId = existing.get();
            StateDao.Link other = dao.links(globalId).get(change.env());
            if (other != null && !other.localKey().equals(change.localKey())) {
                return Correlation.conflict("local accounts " + other.localKey() + " and " + change.localKey()
                        + " of environment " + change.env() + " both map to username '" + key + "'");
            }
        } else {
            globalId = dao.createAccount(key, now);
        }
        dao.upsertLink(change.localKey(), globalId, change.username(), now);
        return new Correlation(globalId, true, null);
    }
}
