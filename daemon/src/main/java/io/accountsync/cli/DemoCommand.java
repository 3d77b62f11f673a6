package io.accountsync.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.accountsync.demo.Demo;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code accountsync demo}: the sample farm on embedded PostgreSQL, synced live; needs nothing but Java. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"A Trac, a MediaWiki and a Moodle database on three embedded PostgreSQL servers, their accounts"
                + " disagreeing; the daemon bootstraps them, then random live edits are timed until they show up in the"
                + " other two applications. Needs nothing but Java (linux-x86_64). Ctrl-C stops it cleanly."})
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--edits", paramLabel = "N", defaultValue = "0",
            description = "Stop after N live edits (default: 0, no limit).")
    int edits;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "3s", converter = DurationConverter.class,
            description = "Time between live edits: 500ms, 3s, 1m (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9464",
            description = "Port of the daemon's /metrics on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the databases, config and state here (absent, empty, or an earlier demo's directory)."
                    + " Default: a temporary directory, removed at the end.")
    Path dataDir;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random live edits, to repeat a run.")
    Long seed;

    @Option(names = "--verbose", description = "Show the daemon's log (lifecycle lines) on stderr too.")
    boolean verbose;

    @Override
    public Integer call() {
        Demo.Options options;
        try {
            options = new Demo.Options(dataDir, metricsPort, edits, interval, seed);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        quietLogs(verbose);
        // UTF-8 whatever the locale says: the sample names are international.
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        return new Demo(options, out).run();
    }

    /**
     * The demo prints its own story on stdout; the daemon's INFO lines would drown it. The embedded
     * servers log every line PostgreSQL prints at INFO; they stay quiet even with --verbose.
     */
    private static void quietLogs(boolean verbose) {
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            if (!verbose) {
                ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
            }
            ctx.getLogger("io.zonky").setLevel(Level.WARN);
        }
    }

    /** {@code 250ms}, {@code 3s}, {@code 2m}, or an ISO-8601 duration ({@code PT3S}). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m)");

        @Override
        public Duration convert(String value) {
            Matcher m = SIMPLE.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    default -> Duration.ofMinutes(n);
                };
            }
            try {
                return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration: " + value + " (use 500ms, 3s, 1m)");
            }
        }
    }
}
