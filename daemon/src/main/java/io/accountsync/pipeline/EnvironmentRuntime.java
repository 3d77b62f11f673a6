package io.accountsync.pipeline;

import io.accountsync.config.EnvironmentConfig;
import io.accountsync.plan.Target;
import io.accountsync.profile.Profile;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One environment as the running pipeline holds it: its config and its bound profile. */
public record EnvironmentRuntime(EnvironmentConfig config, Profile profile, Set<String> syncedFields) {

    public String name() {
        return config.name();
    }

    public Target target() {
        return new Target(name(), config.writes(), config.createMissing(), config.reads(), syncedFields);
    }

    public static Set<String> synced(Profile profile, List<String> syncFields) {
        Set<String> out = new LinkedHashSet<>(syncFields);
        out.retainAll(profile.fields());
        return out;
    }
}
