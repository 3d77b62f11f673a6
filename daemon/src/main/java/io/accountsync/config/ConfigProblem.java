package io.accountsync.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration file. Messages never carry a secret's value.
 *
 * @param path    the dotted path of the key ({@code environments.wiki2.connection.port}); empty for
 *                problems of the file as a whole (unreadable, not YAML)
 * @param message what is wrong and, where it helps, what is expected
 */
public record ConfigProblem(String path, String message) {

    public ConfigProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** {@code path: message}, or the message alone for file-level problems. */
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
