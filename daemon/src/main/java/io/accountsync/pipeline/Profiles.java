package io.accountsync.pipeline;

import io.accountsync.config.EnvironmentConfig;
import io.accountsync.profile.BuiltinProfiles;
import io.accountsync.profile.GenericProfile;
import io.accountsync.profile.Profile;
import io.accountsync.profile.mediawiki.MediaWikiProfile;
import io.accountsync.profile.moodle.MoodleProfile;
import io.accountsync.profile.trac.TracProfile;

/** Binds an environment's configured profile to the environment. */
public final class Profiles {
    private Profiles() {
    }

    public static Profile create(EnvironmentConfig env) {
        String database = env.connection().database();
        return switch (env.profile().type()) {
            case "generic" -> new GenericProfile(env.profile().generic(), env.dialect(), database);
            case BuiltinProfiles.TRAC -> new TracProfile(env.profile().app(), env.dialect(), database);
            case BuiltinProfiles.MEDIAWIKI -> new MediaWikiProfile(env.profile().app(), env.dialect(), database);
            case BuiltinProfiles.MOODLE -> new MoodleProfile(env.profile().app(), env.dialect(), database);
            default -> throw new IllegalArgumentException("environments." + env.name() + ".profile.type: unknown profile '"
                    + env.profile().type() + "'");
        };
    }
}
