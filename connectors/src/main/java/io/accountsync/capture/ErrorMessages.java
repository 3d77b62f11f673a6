package io.accountsync.capture;

import io.accountsync.connect.Secret;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Short, secret-free error messages for logs, health output and listeners.
 *
 * <p>Debezium's exceptions are unfit to show: a failing engine's message embeds the whole connector configuration,
 * database password included, and the useful part (the database's own error) sits at the bottom of a long cause
 * chain. {@link #safe} gives the root cause's class and message with secrets and configuration dumps removed.
 */
public final class ErrorMessages {

    /** Messages are cut to this length; a root cause that needs more is not a one-line summary anyway. */
    static final int MAX_LENGTH = 500;

    // A dump of a configuration map: {key.with.dots=value, ...} (Map.toString, Debezium's Configuration).
    private static final Pattern CONFIG_MAP = Pattern.compile("\\{[^{}]*?\\b[a-z][a-z0-9_-]*\\.[a-z0-9_.-]+=[^{}]*}");
    // A dump introduced in prose: "... with configuration: a.b=c, d.e=f" up to the end of the line.
    private static final Pattern CONFIG_TAIL = Pattern.compile(
            "(?i)\\b(?:configuration|config|properties)\\s*[:=]?\\s*[a-z][a-z0-9_-]*\\.[a-z0-9_.-]+=.*");
    // Any remaining key=value (or JSON "key": "value") whose key names a secret, also for secrets accountsync was
    // not told about. Prose such as "(using password: YES)" is left alone.
    private static final String SECRET_WORD = "(?:password|passwd|pwd|secret|token|credential|passphrase)";
    private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
            "(?i)([a-z0-9_.-]*" + SECRET_WORD + "[a-z0-9_.-]*\\s*=\\s*)(?!\\[hidden])(\"[^\"]*\"|'[^']*'|[^\\s,;&})\\]]+)");
    private static final Pattern SECRET_JSON = Pattern.compile(
            "(?i)(\"[^\"]*" + SECRET_WORD + "[^\"]*\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\")");

    private ErrorMessages() {
    }

    /**
     * The root cause of {@code error} as {@code SimpleClassName: message}, with every given secret replaced by
     * {@code [hidden]}, configuration dumps removed, whitespace collapsed, and at most {@value #MAX_LENGTH}
     * characters. When the root cause has no message, the nearest cause that has one is used.
     */
    public static String safe(Throwable error, Secret... secrets) {
        if (error == null) {
            return "unknown error";
        }
        List<Throwable> chain = chain(error);
        Throwable root = chain.get(chain.size() - 1);
        String message = null;
        for (int i = chain.size() - 1; i >= 0 && message == null; i--) {
            String m = chain.get(i).getMessage();
            if (m != null && !m.isBlank()) {
                message = m;
            }
        }
        String text = root.getClass().getSimpleName();
        if (message != null) {
            String cleaned = clean(message, secrets);
            if (!cleaned.isEmpty()) {
                text = text + ": " + cleaned;
            }
        }
        return text;
    }

    /** {@code text} with secrets, secret assignments and configuration dumps removed, on one line, cut short. */
    public static String clean(String text, Secret... secrets) {
        if (text == null) {
            return "";
        }
        String s = hide(text, secrets);
        s = CONFIG_MAP.matcher(s).replaceAll("{configuration removed}");
        s = CONFIG_TAIL.matcher(s).replaceAll("configuration removed");
        s = SECRET_ASSIGNMENT.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + Secret.HIDDEN));
        s = SECRET_JSON.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "\"" + Secret.HIDDEN + "\""));
        s = s.replaceAll("\\s+", " ").strip();
        if (s.length() > MAX_LENGTH) {
            s = s.substring(0, MAX_LENGTH - 3) + "...";
        }
        return s;
    }

    /** {@code text} with every occurrence of every non-empty secret replaced by {@code [hidden]}. */
    static String hide(String text, Secret... secrets) {
        String s = text;
        if (secrets != null) {
            for (Secret secret : secrets) {
                if (secret != null && !secret.isEmpty()) {
                    s = s.replace(secret.reveal(), Secret.HIDDEN);
                }
            }
        }
        return s;
    }

    /** {@code error} and its causes, outermost first (a cause seen before ends the chain). */
    static List<Throwable> chain(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
