package io.accountsync.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code accountsync doctor} (being built). */
@Command(name = "doctor", mixinStandardHelpOptions = true, description = "(being built)")
final class DoctorCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("accountsync doctor is not available yet");
        return 2;
    }
}
