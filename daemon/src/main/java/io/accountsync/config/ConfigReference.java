package io.accountsync.config;

import java.util.List;

/** The configuration reference, generated from {@link ConfigKeys} for the README. */
public final class ConfigReference {

    private ConfigReference() {
    }

    /** A Markdown table of every key: key, type, default, description; ends with a newline. */
    public static String markdown() {
        return markdown(ConfigKeys.ALL);
    }

    static String markdown(List<ConfigKey<?>> keys) {
        StringBuilder md = new StringBuilder();
        md.append("| key | type | default | description |\n");
        md.append("| --- | --- | --- | --- |\n");
        for (ConfigKey<?> k : keys) {
            md.append("| `").append(k.path()).append("` | ")
                    .append(cell(k.type().describe())).append(" | ")
                    .append(defaultCell(k)).append(" | ")
                    .append(cell(k.doc())).append(" |\n");
        }
        return md.toString();
    }

    private static String defaultCell(ConfigKey<?> k) {
        String text = cell(k.defaultText());
        // Literal values in code style; "required", "not set" and computed defaults as prose.
        return !k.required() && k.defaultDoc() == null && k.defaultValue() != null ? "`" + text + "`" : text;
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
