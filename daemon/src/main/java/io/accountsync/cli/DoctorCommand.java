package io.accountsync.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.accountsync.config.AccountsyncConfig;
import io.accountsync.doctor.Doctor;
import io.accountsync.doctor.Report;
import io.accountsync.doctor.ReportFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code accountsync doctor -c FILE}: checks each environment's prerequisites and says how to fix each. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Checks every enabled environment against its database: reachable, credentials, the CDC "
                + "prerequisites (PostgreSQL wal_level, REPLICATION, slots, publication, REPLICA IDENTITY FULL; "
                + "MariaDB/MySQL log_bin, binlog_format, binlog_row_image, GTID, grants), the profile's tables and "
                + "columns, and the read/write privileges. Every WARN and FAIL comes with the SQL or setting that fixes it.",
                "Nothing is written anywhere."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:no check failed (warnings allowed)", "1:at least one check failed",
                "2:the configuration has problems, or an unknown --env"})
final class DoctorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML configuration file.")
    Path config;

    @Option(names = "--json", description = "One JSON document instead of a table.")
    boolean json;

    @Option(names = {"-e", "--env"}, paramLabel = "ENV", description = "Check only this environment (repeatable).")
    List<String> envs = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AccountsyncConfig cfg = ConfigLoading.load(config, err);
        if (cfg == null) {
            return ConfigLoading.CONFIG_ERROR;
        }
        for (String e : envs) {
            if (!cfg.environments().containsKey(e)) {
                err.println("error: --env " + e + ": no such environment (known: "
                        + String.join(", ", cfg.environments().keySet()) + ")");
                err.flush();
                return ConfigLoading.CONFIG_ERROR;
            }
        }
        quietDrivers();
        Report report = new Doctor().run(cfg, envs);
        out.print(json ? ReportFormat.json(report) + "\n" : ReportFormat.text(report));
        out.flush();
        return report.exitCode();
    }

    // The MariaDB driver logs every error packet at WARN; the report already says what failed and why.
    private static void quietDrivers() {
        if (LoggerFactory.getLogger("org.mariadb.jdbc") instanceof Logger l && l.getLevel() == null) {
            l.setLevel(Level.ERROR);
        }
    }
}
