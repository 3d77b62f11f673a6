package io.accountsync.pipeline;

import io.accountsync.config.EnvironmentConfig;
import io.accountsync.profile.GenericProfile;
import io.accountsync.profile.Profile;

/** Binds an environment's configured profile to the environment. */
public final class Profiles {
    private Profiles() {
    }

    public static Profile create(EnvironmentConfig env) {
        return switch (env.profile().type()) {
            case "generic" -> new GenericProfile(env.profile().generic(), env.dialect(), env.connection().database());
            default -> throw new IllegalArgumentException("environments." + env.name() + ".profile.type: unknown profile '"
                    + env.profile().type() + "'");
        };
    }
}
