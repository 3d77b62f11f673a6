package io.accountsync.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML text into a Jackson tree, strictly: duplicate keys, aliases and extra documents are
 * problems. It builds the tree from the token stream itself rather than with
 * {@code STRICT_DUPLICATE_DETECTION}, because that feature throws at the first duplicate and the
 * rest of the file would go unchecked; here every duplicate is reported (path, line, first line)
 * and the first value is kept so that binding goes on.
 */
final class YamlTreeReader {

    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            // Done by hand below, for every duplicate rather than the first.
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // `port:` with nothing after it is "no value", not an empty string; '' stays a string.
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            // Only true/false are booleans: `schema: no` stays a string, `dry_run: yes` is refused.
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final List<ConfigProblem> problems;

    YamlTreeReader(List<ConfigProblem> problems) {
        this.problems = problems;
    }

    /**
     * The document's root, or null when the text is not usable YAML (the problem is reported).
     * An empty document gives a {@code NullNode}.
     */
    JsonNode read(String yaml) {
        try (JsonParser p = FACTORY.createParser(yaml)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return NODES.nullNode();
            }
            JsonNode root = value(p, "");
            if (p.nextToken() != null) {
                problems.add(new ConfigProblem("", "more than one YAML document (at line " + line(p.currentTokenLocation())
                        + "): put everything in one"));
            }
            return root;
        } catch (JsonProcessingException e) {
            problems.add(new ConfigProblem("", syntaxError(e)));
            return null;
        } catch (IOException e) {
            problems.add(new ConfigProblem("", "cannot read YAML (" + e.getClass().getSimpleName() + ")"));
            return null;
        }
    }

    private JsonNode value(JsonParser p, String path) throws IOException {
        if (p instanceof YAMLParser yp && yp.isCurrentAlias()) {
            // Jackson would hand back the alias's name as if it were the value.
            problems.add(new ConfigProblem(path, "YAML aliases (*" + yp.getText() + ") are not supported (line "
                    + line(p.currentTokenLocation()) + ")"));
            return NODES.nullNode();
        }
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT:
                return object(p, path);
            case START_ARRAY:
                ArrayNode array = NODES.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(p, path + "[" + i++ + "]"));
                }
                return array;
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(p.getDecimalValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                problems.add(new ConfigProblem(path, "unsupported YAML value (line " + line(p.currentTokenLocation()) + ")"));
                p.skipChildren();
                return NODES.nullNode();
        }
    }

    private ObjectNode object(JsonParser p, String path) throws IOException {
        ObjectNode object = NODES.objectNode();
        Map<String, Integer> lines = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            int line = line(p.currentTokenLocation());
            String childPath = path.isEmpty() ? name : path + "." + name;
            p.nextToken();
            Integer first = lines.putIfAbsent(name, line);
            if (first != null) {
                problems.add(new ConfigProblem(childPath, "duplicate key at line " + line + " (first at line " + first
                        + "); the first one is used"));
                p.skipChildren();
            } else {
                object.set(name, value(p, childPath));
            }
        }
        return object;
    }

    private static int line(JsonLocation location) {
        return location == null ? -1 : location.getLineNr();
    }

    /**
     * The syntax error with its position. Built from the YAML library's problem text, never from its
     * full message: that quotes the offending line, which may hold a password.
     */
    private static String syntaxError(JsonProcessingException e) {
        String what = null;
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof MarkedYAMLException m) {
                what = m.getProblem();
                if (m.getContext() != null) {
                    what = m.getContext() + ": " + what;
                }
                if (m.getProblemMark() != null) {
                    return "YAML syntax error at line " + (m.getProblemMark().getLine() + 1) + ", column "
                            + (m.getProblemMark().getColumn() + 1) + ": " + what;
                }
                break;
            }
        }
        if (what == null) {
            // Jackson's own parse errors (no YAML cause) describe tokens, not values.
            what = e.getOriginalMessage();
        }
        JsonLocation loc = e.getLocation();
        return loc == null
                ? "YAML syntax error: " + what
                : "YAML syntax error at line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": " + what;
    }
}
