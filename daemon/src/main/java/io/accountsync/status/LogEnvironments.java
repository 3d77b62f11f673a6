package io.accountsync.status;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which environment a log line is about, for the lines that carry no MDC {@code env}.
 *
 * <p>accountsync's own threads set the MDC key {@code env}. Debezium's threads do not: its task,
 * coordinator and binlog threads come from its own pools. They carry Debezium's MDC
 * ({@code dbz.connectorLogicalName} = the topic prefix {@code accountsync_<env>}) or a thread name
 * that names the connector ({@code debezium-postgresconnector-accountsync_<env>-...}); the MariaDB
 * binlog client's thread is named after the server ({@code blc-host:port}), which identifies the
 * environment when it is the only one on that server. The daemon registers its environments here at
 * start.
 */
public final class LogEnvironments {
    public static final String MDC_ENV = "env";
    private static final String PREFIX = "accountsync_";
    private static final Pattern OWN_THREAD = Pattern.compile("(?:capture|apply|supervise)-(.+?)(?:-poll|-close)?");
    private static final Pattern DEBEZIUM_THREAD = Pattern.compile("debezium-[a-z0-9]+-" + PREFIX + "(.+)");
    private static final Pattern BINLOG_THREAD = Pattern.compile("blc-(.+:\\d+)");

    private static final Set<String> NAMES = ConcurrentHashMap.newKeySet();
    private static final Map<String, String> BY_IDENTIFIER = new ConcurrentHashMap<>();
    private static final Map<String, Set<String>> BY_SERVER = new ConcurrentHashMap<>();

    private LogEnvironments() {
    }

    /** Makes an environment known, with the server its capture connects to. */
    public static void register(String env, String host, int port) {
        NAMES.add(env);
        BY_IDENTIFIER.put(identifier(env), env);
        BY_SERVER.computeIfAbsent(host + ":" + port, k -> ConcurrentHashMap.newKeySet()).add(env);
    }

    /**
     * The environment of a log line, or null: the MDC {@code env}, else Debezium's MDC, else the
     * thread's name.
     */
    public static String resolve(String thread, Map<String, String> mdc) {
        if (mdc != null) {
            String env = mdc.get(MDC_ENV);
            if (env != null) {
                return env;
            }
            String dbz = mdc.get("dbz.connectorLogicalName");
            if (dbz == null) {
                dbz = mdc.get("dbz.connectorName");
            }
            if (dbz != null && dbz.startsWith(PREFIX)) {
                String id = dbz.substring(PREFIX.length());
                return BY_IDENTIFIER.getOrDefault(id, id);
            }
        }
        return thread == null ? null : fromThread(thread);
    }

    private static String fromThread(String thread) {
        Matcher m = OWN_THREAD.matcher(thread);
        if (m.matches()) {
            String rest = thread.substring(thread.indexOf('-') + 1);
            return NAMES.contains(rest) ? rest : m.group(1);
        }
        m = DEBEZIUM_THREAD.matcher(thread);
        if (m.matches()) {
            // accountsync_<identifier>-<component>: identifiers hold no '-', components may
            String rest = m.group(1);
            int dash = rest.indexOf('-');
            String id = dash < 0 ? rest : rest.substring(0, dash);
            return BY_IDENTIFIER.getOrDefault(id, id);
        }
        m = BINLOG_THREAD.matcher(thread);
        if (m.matches()) {
            Set<String> envs = BY_SERVER.get(m.group(1));
            return envs != null && envs.size() == 1 ? envs.iterator().next() : null;
        }
        return null;
    }

    /** Debezium's topic prefix is {@code accountsync_} plus this (see the connectors' DebeziumProperties). */
    static String identifier(String env) {
        String s = env.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return s.length() > 40 ? s.substring(0, 40) : s;
    }

    /** Forgets every registration (tests). */
    static void clear() {
        NAMES.clear();
        BY_IDENTIFIER.clear();
        BY_SERVER.clear();
    }
}
