package io.accountsync.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Loads the one YAML configuration file, strictly: unknown keys, duplicate keys, wrong types, missing
 * required keys, unset secret variables and contradictions between keys are all problems, and all
 * of them are reported together, each with its dotted path.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /** Loads a configuration, resolving {@code ${VAR}} secrets from the process environment. */
    public static AccountsyncConfig load(Path file) throws ConfigException {
        return load(file, System::getenv);
    }

    /**
     * Loads a configuration.
     *
     * @param file the YAML file; relative paths inside it resolve against its directory
     * @param env  looks up environment variables for {@code ${VAR}} secrets (null = not set)
     * @throws ConfigException listing every problem found
     */
    public static AccountsyncConfig load(Path file, Function<String, String> env) throws ConfigException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(env, "env");
        Path configFile = file.toAbsolutePath().normalize();
        List<ConfigProblem> problems = new ArrayList<>();
        String text = readFile(configFile, problems);
        if (text != null) {
            AccountsyncConfig config = parse(configFile, text, env, problems);
            if (config != null && problems.isEmpty()) {
                return config;
            }
        }
        throw new ConfigException(problems);
    }

    /** Binds YAML text as if read from {@code configFile}; null when there are problems (added to {@code problems}). */
    static AccountsyncConfig parse(Path configFile, String yaml, Function<String, String> env, List<ConfigProblem> problems) {
        var root = new YamlTreeReader(problems).read(yaml);
        if (root == null) {
            return null;
        }
        // Duplicate keys found while reading do not stop binding: the rest of the file is checked too.
        return new ConfigBinder(configFile, env, problems).bind(root);
    }

    private static String readFile(Path file, List<ConfigProblem> problems) {
        try {
            if (Files.isDirectory(file)) {
                problems.add(new ConfigProblem("", "config file " + file + " is a directory"));
                return null;
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            problems.add(new ConfigProblem("", "config file " + file + " does not exist"));
        } catch (CharacterCodingException e) {
            problems.add(new ConfigProblem("", "config file " + file + " is not UTF-8 text"));
        } catch (IOException e) {
            problems.add(new ConfigProblem("", "cannot read config file " + file + " (" + e.getClass().getSimpleName() + ")"));
        }
        return null;
    }
}
