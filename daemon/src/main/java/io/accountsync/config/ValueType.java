package io.accountsync.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.accountsync.connect.Secret;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.AccessDeniedException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the value of one key is read from the YAML tree and checked. Reading is strict: no type
 * coercion (a quoted {@code "5432"} is not a port), and a problem is reported through the
 * {@link ValueContext} with {@code null} returned, so that the loader goes on and finds the rest.
 *
 * @param <T> what the value becomes
 */
public interface ValueType<T> {

    /** How the type reads in the configuration reference, e.g. {@code integer 1..65535}. */
    String describe();

    /** Reads and checks a present value; reports a problem and returns null when it is unusable. */
    T read(JsonNode node, ValueContext ctx);

    /** A value as the configuration file would spell it (for the reference's default column). */
    default String format(T value) {
        return String.valueOf(value);
    }

    // ---- the types ----

    /** Field names, canonical or custom: the same shape as environment names, without dashes. */
    Pattern FIELD_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    /** A secret reference: the whole value is {@code ${VAR}}. */
    Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h)");

    /** A non-blank string. */
    static ValueType<String> string() {
        return simple("string", (node, ctx) -> text(node, ctx, "a string"));
    }

    /** A boolean: {@code true} or {@code false}. */
    static ValueType<Boolean> bool() {
        return simple("boolean", (node, ctx) -> {
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            ctx.problem("must be true or false, got " + shown(node));
            return null;
        });
    }

    /** An integer within {@code [min, max]}. */
    static ValueType<Integer> integer(int min, int max) {
        String expected = "an integer between " + min + " and " + max;
        return simple("integer " + min + ".." + max, (node, ctx) -> {
            if (node.isIntegralNumber()) {
                BigInteger v = node.bigIntegerValue();
                if (v.compareTo(BigInteger.valueOf(min)) >= 0 && v.compareTo(BigInteger.valueOf(max)) <= 0) {
                    return v.intValue();
                }
            }
            ctx.problem("must be " + expected + ", got " + shown(node));
            return null;
        });
    }

    /** An integer of at least {@code min}, as a long (database ids). */
    static ValueType<Long> longAtLeast(long min) {
        String expected = "an integer of at least " + min;
        return simple("integer ≥ " + min, (node, ctx) -> {
            if (node.isIntegralNumber()) {
                BigInteger v = node.bigIntegerValue();
                if (v.compareTo(BigInteger.valueOf(min)) >= 0 && v.compareTo(BigInteger.valueOf(Long.MAX_VALUE)) <= 0) {
                    return v.longValue();
                }
            }
            ctx.problem("must be " + expected + ", got " + shown(node));
            return null;
        });
    }

    /**
     * A string matching {@code pattern} in full; unlike {@link #string()} it may be empty when the
     * pattern allows it ({@code table_prefix: ""} says "no prefix").
     */
    static ValueType<String> matching(Pattern pattern, String what) {
        return simple("string `" + pattern.pattern() + "`", (node, ctx) -> {
            if (node.isTextual() && pattern.matcher(node.textValue()).matches()) {
                return node.textValue();
            }
            ctx.problem("must be " + what + " matching " + pattern.pattern()
                    + (node.isNumber() || node.isBoolean() ? " (quote it)" : "") + ", got " + shown(node));
            return null;
        });
    }

    /** A positive duration written as a whole number and a unit: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
    static ValueType<Duration> duration() {
        return new ValueType<>() {
            @Override
            public String describe() {
                return "duration (250ms, 5s, 2m, 1h)";
            }

            @Override
            public Duration read(JsonNode node, ValueContext ctx) {
                Matcher m = node.isTextual() ? DURATION.matcher(node.textValue().trim()) : null;
                if (m != null && m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    Duration d = switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        default -> Duration.ofHours(n);
                    };
                    if (!d.isZero()) {
                        return d;
                    }
                }
                ctx.problem("must be a positive duration like 250ms, 5s, 2m or 1h, got " + shown(node));
                return null;
            }

            @Override
            public String format(Duration d) {
                long ms = d.toMillis();
                if (ms % 3_600_000 == 0) {
                    return ms / 3_600_000 + "h";
                } else if (ms % 60_000 == 0) {
                    return ms / 60_000 + "m";
                } else if (ms % 1000 == 0) {
                    return ms / 1000 + "s";
                }
                return ms + "ms";
            }
        };
    }

    /** A file-system path as written; the binder resolves relative ones against the config file's directory. */
    static ValueType<Path> path() {
        return simple("path", (node, ctx) -> {
            String s = text(node, ctx, "a path");
            if (s == null) {
                return null;
            }
            if (s.startsWith("~")) {
                ctx.problem("~ is not expanded: give an absolute path, or one relative to the config file");
                return null;
            }
            try {
                return Path.of(s);
            } catch (InvalidPathException e) {
                ctx.problem("is not a valid path: " + e.getReason());
                return null;
            }
        });
    }

    /** One of a fixed set of lower-case names, mapped to a value. */
    static <E> ValueType<E> choice(List<E> values, Function<E, String> configName) {
        List<String> names = values.stream().map(configName).toList();
        return new ValueType<>() {
            @Override
            public String describe() {
                return String.join(" | ", names);
            }

            @Override
            public E read(JsonNode node, ValueContext ctx) {
                if (node.isTextual()) {
                    int i = names.indexOf(node.textValue());
                    if (i >= 0) {
                        return values.get(i);
                    }
                }
                ctx.problem("must be one of " + String.join(", ", names) + ", got " + shown(node));
                return null;
            }

            @Override
            public String format(E value) {
                return configName.apply(value);
            }
        };
    }

    /** A JDBC URL for a database type the daemon ships a driver for. */
    static ValueType<String> jdbcUrl(String... prefixes) {
        return simple("JDBC URL", (node, ctx) -> {
            String s = text(node, ctx, "a JDBC URL");
            if (s == null) {
                return null;
            }
            for (String p : prefixes) {
                if (s.startsWith(p)) {
                    return s;
                }
            }
            // Not echoed: a JDBC URL may carry a password.
            ctx.problem("must be a JDBC URL starting with " + String.join(" or ", prefixes));
            return null;
        });
    }

    /**
     * A password given as {@code ${VAR}}: the whole value names an environment variable. A literal
     * is refused, and no message ever shows the value.
     */
    static ValueType<Secret> secret() {
        return new ValueType<>() {
            @Override
            public String describe() {
                return "secret: `${ENV_VAR}`";
            }

            @Override
            public Secret read(JsonNode node, ValueContext ctx) {
                Matcher m = node.isTextual() ? ENV_REFERENCE.matcher(node.textValue().trim()) : null;
                if (m == null || !m.matches()) {
                    ctx.problem("literal passwords are not allowed: use ${ENV_VAR} or password_file");
                    return null;
                }
                String var = m.group(1);
                String value = ctx.env(var);
                if (value == null) {
                    ctx.problem("environment variable " + var + " is not set");
                    return null;
                }
                if (value.isEmpty()) {
                    ctx.problem("environment variable " + var + " is empty");
                    return null;
                }
                return Secret.of(value);
            }

            @Override
            public String format(Secret value) {
                return Secret.HIDDEN;
            }
        };
    }

    /** A password read from a file (relative to the config file's directory); trailing newlines are dropped. */
    static ValueType<Secret> secretFile() {
        return new ValueType<>() {
            @Override
            public String describe() {
                return "path (secret file)";
            }

            @Override
            public Secret read(JsonNode node, ValueContext ctx) {
                String s = text(node, ctx, "a path");
                if (s == null) {
                    return null;
                }
                Path file;
                try {
                    file = ctx.baseDir().resolve(s).normalize();
                } catch (InvalidPathException e) {
                    ctx.problem("is not a valid path: " + e.getReason());
                    return null;
                }
                String content;
                try {
                    content = Files.readString(file, StandardCharsets.UTF_8);
                } catch (NoSuchFileException e) {
                    ctx.problem("password file " + file + " does not exist");
                    return null;
                } catch (AccessDeniedException e) {
                    ctx.problem("password file " + file + " is not readable");
                    return null;
                } catch (IOException e) {
                    // Only the exception's class: its message could quote the file's content.
                    ctx.problem("cannot read password file " + file + " (" + e.getClass().getSimpleName() + ")");
                    return null;
                }
                int end = content.length();
                while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
                    end--;
                }
                if (end == 0) {
                    ctx.problem("password file " + file + " is empty");
                    return null;
                }
                return Secret.of(content.substring(0, end));
            }
        };
    }

    /** A non-empty list of distinct field names; {@code username} is refused (it is how accounts are matched). */
    static ValueType<List<String>> fieldList() {
        return new ValueType<>() {
            @Override
            public String describe() {
                return "list of fields";
            }

            @Override
            public List<String> read(JsonNode node, ValueContext ctx) {
                if (!node.isArray()) {
                    ctx.problem("must be a list of field names, got " + shown(node));
                    return null;
                }
                if (node.isEmpty()) {
                    ctx.problem("must name at least one field");
                    return null;
                }
                Set<String> fields = new LinkedHashSet<>();
                boolean ok = true;
                for (int i = 0; i < node.size(); i++) {
                    JsonNode item = node.get(i);
                    String itemPath = ctx.path() + "[" + i + "]";
                    if (!item.isTextual() || !FIELD_NAME.matcher(item.textValue()).matches()) {
                        ctx.problemAt(itemPath, "must be a field name matching " + FIELD_NAME.pattern() + ", got " + shown(item));
                        ok = false;
                    } else if (item.textValue().equals(io.accountsync.model.Fields.USERNAME)) {
                        ctx.problemAt(itemPath, "username cannot be synced: accounts are matched by it");
                        ok = false;
                    } else if (!fields.add(item.textValue())) {
                        ctx.problemAt(itemPath, "field '" + item.textValue() + "' is listed twice");
                        ok = false;
                    }
                }
                return ok ? List.copyOf(fields) : null;
            }

            @Override
            public String format(List<String> value) {
                return "[" + String.join(", ", value) + "]";
            }
        };
    }

    /**
     * A non-empty list of names matching {@code namePattern} ({@code conflicts.priority}). Whether
     * each names something configured, and only once, is checked by the binder, so that unknown
     * and repeated names are reported together.
     */
    static ValueType<List<String>> nameList(String what, Pattern namePattern) {
        return new ValueType<>() {
            @Override
            public String describe() {
                return "list of " + what + " names";
            }

            @Override
            public List<String> read(JsonNode node, ValueContext ctx) {
                if (!node.isArray()) {
                    ctx.problem("must be a list of " + what + " names, got " + shown(node));
                    return null;
                }
                if (node.isEmpty()) {
                    ctx.problem("must name at least one " + what);
                    return null;
                }
                List<String> names = new ArrayList<>();
                boolean ok = true;
                for (int i = 0; i < node.size(); i++) {
                    JsonNode item = node.get(i);
                    if (!item.isTextual() || !namePattern.matcher(item.textValue()).matches()) {
                        ctx.problemAt(ctx.path() + "[" + i + "]", "must be " + article(what) + " " + what + " name matching "
                                + namePattern.pattern() + ", got " + shown(item));
                        ok = false;
                    } else {
                        names.add(item.textValue());
                    }
                }
                return ok ? List.copyOf(names) : null;
            }

            @Override
            public String format(List<String> value) {
                return "[" + String.join(", ", value) + "]";
            }
        };
    }

    /** A non-empty mapping of field name to column name, in file order; {@code username} has its own key. */
    static ValueType<Map<String, String>> fieldMap() {
        return new ValueType<>() {
            @Override
            public String describe() {
                return "map field → column";
            }

            @Override
            public Map<String, String> read(JsonNode node, ValueContext ctx) {
                if (!node.isObject()) {
                    ctx.problem("must be a mapping of field name to column, got " + shown(node));
                    return null;
                }
                if (node.isEmpty()) {
                    ctx.problem("must map at least one field");
                    return null;
                }
                Map<String, String> fields = new LinkedHashMap<>();
                boolean ok = true;
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    String itemPath = ctx.path() + "." + e.getKey();
                    if (!FIELD_NAME.matcher(e.getKey()).matches()) {
                        ctx.problemAt(itemPath, "invalid field name: must match " + FIELD_NAME.pattern());
                        ok = false;
                    } else if (e.getKey().equals(io.accountsync.model.Fields.USERNAME)) {
                        ctx.problemAt(itemPath, "map the username with username_column, not here");
                        ok = false;
                    }
                    JsonNode column = e.getValue();
                    if (!column.isTextual() || column.textValue().isBlank()) {
                        ctx.problemAt(itemPath, "must be a column name, got " + shown(column));
                        ok = false;
                    } else {
                        fields.put(e.getKey(), column.textValue());
                    }
                }
                return ok ? Collections.unmodifiableMap(fields) : null;
            }
        };
    }

    /**
     * Third-party settings passed on unchanged: scalar values become text; nested mappings are
     * flattened to dotted keys ({@code snapshot: {mode: never}} is {@code snapshot.mode=never}).
     * Keys that accountsync sets itself are refused, each with the reason {@code reserved} gives it.
     */
    static ValueType<Map<String, String>> passthrough(Map<String, String> reserved) {
        return new ValueType<>() {
            @Override
            public String describe() {
                return "string (passed through)";
            }

            @Override
            public Map<String, String> read(JsonNode node, ValueContext ctx) {
                if (node.isNull()) {
                    return Map.of(); // a section whose entries are all commented out
                }
                if (!node.isObject()) {
                    ctx.problem("must be a mapping of setting to value, got " + shown(node));
                    return null;
                }
                Map<String, String> out = new LinkedHashMap<>();
                boolean ok = flatten(node, "", out, ctx);
                return ok ? Collections.unmodifiableMap(out) : null;
            }

            private boolean flatten(JsonNode node, String prefix, Map<String, String> out, ValueContext ctx) {
                boolean ok = true;
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    String key = prefix + e.getKey();
                    String itemPath = ctx.path() + "." + key;
                    JsonNode v = e.getValue();
                    if (v.isObject()) {
                        ok &= flatten(v, key + ".", out, ctx);
                    } else if (key.isBlank()) {
                        ctx.problemAt(itemPath, "empty setting name");
                        ok = false;
                    } else if (reserved.containsKey(key)) {
                        ctx.problemAt(itemPath, "is set by accountsync " + reserved.get(key) + "; remove it here");
                        ok = false;
                    } else if (!v.isValueNode() || v.isNull()) {
                        // Not echoed: passthrough values may be credentials of other systems.
                        ctx.problemAt(itemPath, "must be a string, number or boolean");
                        ok = false;
                    } else if (out.putIfAbsent(key, v.asText()) != null) {
                        ctx.problemAt(itemPath, "is set twice (once nested, once dotted)");
                        ok = false;
                    }
                }
                return ok;
            }
        };
    }

    /**
     * The entries of a named mapping ({@code environments}): returns the names in file order after
     * checking each against {@code namePattern}; the binder then walks each entry as a section.
     */
    static ValueType<List<String>> entries(String what, Pattern namePattern) {
        return new ValueType<>() {
            @Override
            public String describe() {
                return "map name → " + what;
            }

            @Override
            public List<String> read(JsonNode node, ValueContext ctx) {
                if (!node.isObject()) {
                    ctx.problem("must be a mapping of name to " + what + ", got " + shown(node));
                    return null;
                }
                if (node.isEmpty()) {
                    ctx.problem("at least one " + what + " is required");
                    return null;
                }
                // Bad names are reported but kept, so that the entries' own keys are still checked.
                List<String> names = new ArrayList<>();
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    if (!namePattern.matcher(e.getKey()).matches()) {
                        ctx.problemAt(ctx.path() + "." + e.getKey(), "invalid " + what + " name: must match " + namePattern.pattern());
                    }
                    names.add(e.getKey());
                }
                return List.copyOf(names);
            }
        };
    }

    // ---- helpers ----

    /** A value type from a description and a reader. */
    static <T> ValueType<T> simple(String description, java.util.function.BiFunction<JsonNode, ValueContext, T> reader) {
        return new ValueType<>() {
            @Override
            public String describe() {
                return description;
            }

            @Override
            public T read(JsonNode node, ValueContext ctx) {
                return reader.apply(node, ctx);
            }
        };
    }

    /** The node as a non-blank string, or null after reporting a problem. */
    private static String text(JsonNode node, ValueContext ctx, String expected) {
        if (node.isTextual() && !node.textValue().isBlank()) {
            return node.textValue();
        }
        if (node.isNumber() || node.isBoolean()) {
            ctx.problem("must be " + expected + " (quote it), got " + shown(node));
        } else {
            ctx.problem("must be " + expected + ", got " + shown(node));
        }
        return null;
    }

    private static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }

    /** A value as shown in messages: strings quoted and cut short, containers by kind. */
    static String shown(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            String s = node.textValue();
            if (s.length() > 60) {
                s = s.substring(0, 57) + "...";
            }
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
        }
        return node.asText();
    }
}
