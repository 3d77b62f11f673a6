package io.accountsync.config;

import java.util.Objects;

/**
 * The one declaration of a configuration key.
 *
 * @param path         the dotted path; {@code <name>} stands for an environment's name and a
 *                     trailing {@code .*} marks a passthrough mapping ({@code environments.<name>.debezium.*})
 * @param type         how the value is read and checked
 * @param required     whether the key must be present
 * @param defaultValue the value when absent, or null (none, or computed from other keys)
 * @param defaultDoc   how a computed default reads in the reference, or null
 * @param doc          one line for the reference
 * @param <T>          what the value becomes
 */
public record ConfigKey<T>(String path, ValueType<T> type, boolean required, T defaultValue, String defaultDoc, String doc) {

    public static final String NAME = "<name>";
    static final String PASSTHROUGH_SUFFIX = ".*";

    public ConfigKey {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(doc, "doc");
        if (required && (defaultValue != null || defaultDoc != null)) {
            throw new IllegalArgumentException(path + ": a required key has no default");
        }
    }

    /** A key that must be given. */
    public static <T> ConfigKey<T> required(String path, ValueType<T> type, String doc) {
        return new ConfigKey<>(path, type, true, null, null, doc);
    }

    /** A key with a fixed default; {@code defaultValue} null means "not set". */
    public static <T> ConfigKey<T> optional(String path, ValueType<T> type, T defaultValue, String doc) {
        return new ConfigKey<>(path, type, false, defaultValue, null, doc);
    }

    /** A key whose default the binder computes from other keys, described by {@code defaultDoc}. */
    public static <T> ConfigKey<T> derived(String path, ValueType<T> type, String defaultDoc, String doc) {
        return new ConfigKey<>(path, type, false, null, defaultDoc, doc);
    }

    /**
     * A key that must be given in some cases only ({@code profile.table} with {@code type: generic});
     * the binder checks when. The reference shows "required with {@code when}".
     */
    public static <T> ConfigKey<T> requiredWhen(String path, ValueType<T> type, String when, String doc) {
        return new ConfigKey<>(path, type, false, null, "required with " + when, doc);
    }

    /** Whether this is a passthrough mapping whose keys are not declared. */
    public boolean isPassthrough() {
        return path.endsWith(PASSTHROUGH_SUFFIX);
    }

    /** Whether the key holds one section per name ({@code environments}). */
    public boolean isEntries() {
        return ConfigKeys.ALL.stream().anyMatch(k -> k.path().startsWith(path + "." + NAME + "."));
    }

    /** The path with {@code <name>} filled in and a passthrough's {@code .*} dropped. */
    public String pathFor(String name) {
        String p = isPassthrough() ? path.substring(0, path.length() - PASSTHROUGH_SUFFIX.length()) : path;
        return name == null ? p : p.replace(NAME, name);
    }

    /** The default as the reference shows it: "required", the computed default's description, the value, or "not set". */
    public String defaultText() {
        if (required) {
            return "required";
        }
        if (defaultDoc != null) {
            return defaultDoc;
        }
        return defaultValue == null ? "not set" : type.format(defaultValue);
    }
}
