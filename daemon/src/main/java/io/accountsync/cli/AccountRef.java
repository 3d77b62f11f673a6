package io.accountsync.cli;

import io.accountsync.pipeline.EnvironmentRuntime;
import io.accountsync.state.StateDao;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/** Finds a canonical account by its id ({@code #42} or {@code 42}) or by a username. */
final class AccountRef {
    private AccountRef() {
    }

    static Optional<Long> find(StateDao dao, String ref, Map<String, EnvironmentRuntime> envs) throws SQLException {
        String r = ref.startsWith("#") ? ref.substring(1) : ref;
        if (r.matches("\\d{1,18}") && dao.usernameKey(Long.parseLong(r)).isPresent()) {
            return Optional.of(Long.parseLong(r));
        }
        Optional<Long> exact = dao.accountByKey(ref);
        if (exact.isPresent()) {
            return exact;
        }
        for (EnvironmentRuntime env : envs.values()) {
            Optional<Long> byEnv = dao.accountByKey(env.profile().correlationKey(ref));
            if (byEnv.isPresent()) {
                return byEnv;
            }
        }
        return Optional.empty();
    }
}
