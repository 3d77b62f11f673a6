package io.accountsync.apply;

import io.accountsync.model.Dialect;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;

/** jOOQ's view of our dialects. */
public final class Dialects {
    private Dialects() {
    }

    public static SQLDialect jooq(Dialect dialect) {
        return switch (dialect) {
            case POSTGRESQL -> SQLDialect.POSTGRES;
            case MARIADB -> SQLDialect.MARIADB;
            case MYSQL -> SQLDialect.MYSQL;
        };
    }

    /** Settings for every statement we execute or render: names always quoted, no banner. */
    public static Settings settings() {
        return new Settings()
                .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_QUOTED)
                .withExecuteLogging(false);
    }
}
