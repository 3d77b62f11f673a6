package io.accountsync.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code accountsync demo} (being built). */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "(being built)")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("accountsync demo is not available yet");
        return 2;
    }
}
