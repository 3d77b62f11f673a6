package io.accountsync.apply;

import io.accountsync.model.Dialect;
import io.accountsync.model.Patch;
import io.accountsync.profile.ColumnLimits;
import io.accountsync.profile.Profile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.impl.DSL;

/**
 * Dry-run: renders every statement a real run would execute, literals inlined in the environment's
 * dialect, into {@code <sql_dir>/<env>.sql}; one transaction per batch, each patch headed by a
 * comment saying which account, which fields and why. The file only ever grows.
 */
public final class SqlFileWriter implements PatchWriter {
    private final String env;
    private final Dialect dialect;
    private final Profile profile;
    private final Path file;
    private final Clock clock;
    private final DSLContext dsl;
    private final ColumnLimits limits;

    /**
     * @param limits the environment's column catalog, read from it (so that a dry run renders and
     *               refuses exactly what a real run would)
     * @param fresh  start the file anew (a bootstrap) instead of appending (the daemon)
     */
    public SqlFileWriter(String env, Dialect dialect, Profile profile, Path sqlDir, Clock clock, ColumnLimits limits,
                         boolean fresh) {
        this.limits = limits;
        this.env = env;
        this.dialect = dialect;
        this.profile = profile;
        this.file = sqlDir.resolve(env + ".sql");
        this.clock = clock;
        this.dsl = DSL.using(Dialects.jooq(dialect), Dialects.settings());
        try {
            Files.createDirectories(sqlDir);
            if (fresh) {
                Files.deleteIfExists(file);
            }
            if (!Files.exists(file)) {
                Files.writeString(file, "-- accountsync dry-run for environment " + env + " (" + dialect.configName()
                        + ", profile " + profile.name() + ")\n-- replay with "
                        + (dialect == Dialect.POSTGRESQL ? "psql -v ON_ERROR_STOP=1 -f" : "mariadb <") + " this file\n"
                        // The client's own default character set must not decide how the text is read.
                        + (dialect == Dialect.POSTGRESQL ? "SET client_encoding = 'UTF8';\n" : "SET NAMES utf8mb4;\n"),
                        StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create dry-run file " + file, e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public WriteResult write(List<Patch> patches, Consumer<String> ownTransaction,
                             java.util.concurrent.locks.Lock commitWindow) throws ApplyException {
        StringBuilder out = new StringBuilder();
        int statements = 0;
        out.append("\n-- ").append(clock.instant()).append('\n');
        out.append(dialect == Dialect.POSTGRESQL ? "BEGIN;\n" : "START TRANSACTION;\n");
        for (Patch patch : patches) {
            out.append("-- account ").append(patch.globalId()).append(" (").append(oneLine(patch.username())).append("): ")
                    .append(patch.kind().name().toLowerCase(java.util.Locale.ROOT)).append(' ')
                    .append(String.join(", ", patch.values().keySet())).append(" — ").append(oneLine(patch.reason()))
                    .append('\n');
            for (Query q : profile.write(dsl, patch, limits)) {
                out.append(dsl.renderInlined(q)).append(";\n");
                statements++;
            }
        }
        out.append("COMMIT;\n");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
            w.write(out.toString());
        } catch (IOException e) {
            throw new ApplyException(io.accountsync.connect.ErrorClass.RETRIABLE,
                    "cannot append to dry-run file " + file + ": " + e.getMessage(), null);
        }
        return new WriteResult(statements, 0, null);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n]+", " ");
    }

    @Override
    public ColumnLimits limits() {
        return limits;
    }

    @Override
    public void close() {
        // nothing held open between batches
    }
}
