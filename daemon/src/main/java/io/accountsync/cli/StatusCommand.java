package io.accountsync.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code accountsync status} (being built). */
@Command(name = "status", mixinStandardHelpOptions = true, description = "(being built)")
final class StatusCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("accountsync status is not available yet");
        return 2;
    }
}
