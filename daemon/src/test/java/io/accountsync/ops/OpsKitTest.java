package io.accountsync.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.accountsync.config.AccountsyncConfig;
import io.accountsync.config.ConfigException;
import io.accountsync.config.ConfigLoader;
import io.accountsync.metrics.Metrics;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator kit (ops/ and docker/) stays in line with the code: metric names exist, the alert
 * rules parse and their unit tests pass (promtool), the demo stack's files exist and its config
 * loads, the systemd unit is hardened.
 */
class OpsKitTest {

    static final Pattern METRIC = Pattern.compile("accountsync_[a-z_]+");
    static final Pattern SECRET_VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    static Path root;

    @BeforeAll
    static void findRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("ops")) && Files.isDirectory(dir.resolve("daemon"))) {
                root = dir;
                return;
            }
        }
        throw new AssertionError("no directory with ops/ and daemon/ at or above " + Path.of("").toAbsolutePath());
    }

    // ---- metric names ----------------------------------------------------------------------------

    /** Every series name Metrics.java can produce: its constants plus Micrometer's Prometheus suffixes. */
    static Set<String> declaredSeries() throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (String base : metricConstants()) {
            names.add(base);
            names.add(base + "_total");                                      // counters
            for (String s : List.of("_bucket", "_count", "_sum", "_max")) {   // timers / histograms
                names.add(base + s);
                names.add(base + "_seconds" + s);                            // a timer's base unit
            }
        }
        return names;
    }

    static Set<String> metricConstants() throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (Field f : Metrics.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
                String v = (String) f.get(null);
                if (v.startsWith("accountsync_")) {
                    names.add(v);
                }
            }
        }
        assertThat(names).as("metric name constants of %s", Metrics.class.getName()).isNotEmpty();
        return names;
    }

    static Set<String> metricsIn(List<String> expressions) {
        Set<String> used = new TreeSet<>();
        for (String e : expressions) {
            Matcher m = METRIC.matcher(e);
            while (m.find()) {
                used.add(m.group());
            }
        }
        return used;
    }

    @Test
    void everyMetricInTheDashboardAndTheAlertRulesIsDeclaredByMetrics() throws Exception {
        Set<String> declared = declaredSeries();
        Map<String, List<String>> sources = new LinkedHashMap<>();
        sources.put("ops/grafana/accountsync-dashboard.json", dashboardQueries());
        sources.put("ops/prometheus/alerts.yml", alertRules().stream().map(r -> r.path("expr").asText()).toList());
        for (Map.Entry<String, List<String>> s : sources.entrySet()) {
            Set<String> used = metricsIn(s.getValue());
            assertThat(used).as("metric names in the expressions of %s", s.getKey()).isNotEmpty();
            assertThat(used)
                    .as("metric names in %s that io.accountsync.metrics.Metrics does not declare "
                            + "(renamed? update the dashboard, alerts and runbook)", s.getKey())
                    .isSubsetOf(declared);
        }
    }

    @Test
    void theDashboardShowsEveryDeclaredMetric() throws Exception {
        Set<String> used = metricsIn(dashboardQueries());
        for (String base : metricConstants()) {
            assertThat(used.stream().anyMatch(u -> u.equals(base) || u.startsWith(base + "_")))
                    .as("ops/grafana/accountsync-dashboard.json has a panel for %s (declared in Metrics.java)", base)
                    .isTrue();
        }
    }

    // ---- Grafana dashboard -----------------------------------------------------------------------

    static JsonNode dashboard() throws IOException {
        return JSON.readTree(root.resolve("ops/grafana/accountsync-dashboard.json").toFile());
    }

    /** Every PromQL text of the dashboard: panel targets and template variable queries. */
    static List<String> dashboardQueries() throws IOException {
        List<String> out = new ArrayList<>();
        collect(dashboard(), out);
        assertThat(out).as("queries of the dashboard").isNotEmpty();
        return out;
    }

    private static void collect(JsonNode node, List<String> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getValue().isTextual() && Set.of("expr", "query", "definition").contains(e.getKey())) {
                    out.add(e.getValue().asText());
                } else {
                    collect(e.getValue(), out);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, out));
        }
    }

    @Test
    void theDashboardHasItsVariablesAndPanels() throws IOException {
        JsonNode d = dashboard();
        assertThat(d.path("schemaVersion").asInt()).as("schemaVersion").isGreaterThanOrEqualTo(36);
        Map<String, JsonNode> vars = new LinkedHashMap<>();
        d.path("templating").path("list").forEach(v -> vars.put(v.path("name").asText(), v));
        assertThat(vars).containsKeys("datasource", "env");
        assertThat(vars.get("datasource").path("type").asText()).isEqualTo("datasource");
        assertThat(vars.get("datasource").path("query").asText()).isEqualTo("prometheus");
        JsonNode env = vars.get("env");
        String envQuery = env.path("query").isObject() ? env.path("query").path("query").asText() : env.path("query").asText();
        assertThat(envQuery.replace(" ", "")).isEqualTo("label_values(accountsync_env_up,env)");

        List<String> titles = new ArrayList<>();
        for (JsonNode p : d.path("panels")) {
            titles.add(p.path("title").asText());
            if (!p.path("type").asText().equals("row")) {
                assertThat(p.path("datasource").path("uid").asText()).as("datasource of panel %s", p.path("title"))
                        .isEqualTo("${datasource}");
                assertThat(p.path("targets")).as("targets of panel %s", p.path("title")).isNotEmpty();
            }
        }
        assertThat(titles).contains("Environments up", "Engine state", "Capture lag", "Apply lag p50 / p95 / p99",
                "Events/s by op", "Echoes suppressed/s", "Statements/s per target", "Rows/s per target", "Queue depth",
                "Conflicts", "Quarantined", "Apply errors", "Engine failures", "Bootstrap running", "Bootstrap progress",
                "Last event age");
        List<String> queries = dashboardQueries();
        assertThat(queries).anyMatch(q -> q.contains("histogram_quantile(0.99") && q.contains("accountsync_apply_lag_seconds_bucket"));
        assertThat(queries).anyMatch(q -> q.contains("time() - ") && q.contains("accountsync_last_event_timestamp_seconds"));
    }

    /** Grafana variables replaced by values Prometheus accepts, each query as a recording rule promtool checks. */
    @Test
    void everyDashboardQueryParses(@TempDir Path tmp) throws Exception {
        Path promtool = promtool();
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int i = 0;
        for (JsonNode p : dashboard().path("panels")) {
            for (JsonNode t : p.path("targets")) {
                String expr = t.path("expr").asText().replace("$__rate_interval", "5m").replace("$__range", "1h")
                        .replace("$env", ".+");
                rules.append("      - record: dashboard:q").append(i++).append('\n')
                        .append("        expr: ").append(JSON.writeValueAsString(expr)).append('\n');
            }
        }
        Path file = tmp.resolve("dashboard-queries.yml");
        Files.writeString(file, rules, StandardCharsets.UTF_8);
        run(promtool, "check", "rules", file.toString());
    }

    // ---- Prometheus alert rules ------------------------------------------------------------------

    static List<JsonNode> alertRules() throws IOException {
        JsonNode doc = YAML.readTree(root.resolve("ops/prometheus/alerts.yml").toFile());
        List<JsonNode> rules = new ArrayList<>();
        doc.path("groups").forEach(g -> g.path("rules").forEach(rules::add));
        assertThat(rules).as("rules of ops/prometheus/alerts.yml").isNotEmpty();
        return rules;
    }

    @Test
    void everyAlertHasForSeverityAnnotationsAndARunbookSection() throws IOException {
        String runbook = Files.readString(root.resolve("ops/RUNBOOK.md"), StandardCharsets.UTF_8);
        Set<String> anchors = new LinkedHashSet<>();
        for (String line : runbook.split("\n")) {
            if (line.startsWith("#")) {
                anchors.add(githubAnchor(line.replaceFirst("^#+\\s*", "")));
            }
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode r : alertRules()) {
            String name = r.path("alert").asText();
            assertThat(name).as("every rule is an alert (%s)", r).isNotEmpty();
            names.add(name);
            assertThat(r.path("for").asText()).as("%s: for", name).matches("\\d+[smh]");
            assertThat(r.path("labels").path("severity").asText()).as("%s: severity", name)
                    .isIn("critical", "warning", "info");
            JsonNode a = r.path("annotations");
            assertThat(a.path("summary").asText()).as("%s: summary", name).isNotBlank();
            assertThat(a.path("description").asText()).as("%s: description", name).isNotBlank();
            if (!name.startsWith("AccountsyncDaemon")) {  // the daemon-wide alerts have no env label
                assertThat(a.path("summary").asText() + a.path("description").asText()).as("%s names the env", name)
                        .contains("{{ $labels.env }}");
            }
            String url = a.path("runbook_url").asText();
            assertThat(url).as("%s: runbook_url", name).isEqualTo("ops/RUNBOOK.md#" + name.toLowerCase(Locale.ROOT));
            assertThat(anchors).as("ops/RUNBOOK.md has a section for %s", name).contains(url.substring(url.indexOf('#') + 1));
        }
        assertThat(names).contains("AccountsyncCaptureLagHigh", "AccountsyncApplyLagHigh", "AccountsyncEnvDown",
                "AccountsyncEngineFailed", "AccountsyncEngineFailingRepeatedly", "AccountsyncConflictsRising",
                "AccountsyncQuarantineGrowing", "AccountsyncApplyErrorsPersisting", "AccountsyncQueueDepthGrowing",
                "AccountsyncDaemonDown", "AccountsyncDaemonAbsent");
        assertThat(anchors).as("general sections of ops/RUNBOOK.md")
                .contains("restarting-safely", "re-bootstrapping-one-environment", "upgrading-the-state-store");
    }

    /** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
    static String githubAnchor(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    @Test
    void theAlertUnitTestsCoverFiringAndHealthyCases() throws IOException {
        JsonNode tests = YAML.readTree(root.resolve("ops/prometheus/alerts.test.yml").toFile());
        Map<String, Set<Boolean>> seen = new LinkedHashMap<>();
        tests.path("tests").forEach(t -> t.path("alert_rule_test").forEach(a -> seen
                .computeIfAbsent(a.path("alertname").asText(), k -> new LinkedHashSet<>())
                .add(a.path("exp_alerts").size() > 0)));
        for (String alert : List.of("AccountsyncEnvDown", "AccountsyncCaptureLagHigh", "AccountsyncQuarantineGrowing")) {
            assertThat(seen.get(alert)).as("alerts.test.yml asserts %s both firing and not firing", alert)
                    .containsExactlyInAnyOrder(true, false);
        }
    }

    @Test
    void promtoolChecksTheAlertRules() throws Exception {
        run(promtool(), "check", "rules", "ops/prometheus/alerts.yml");
    }

    @Test
    void promtoolUnitTestsOfTheAlertRulesPass() throws Exception {
        run(promtool(), "test", "rules", "ops/prometheus/alerts.test.yml");
    }

    /** docker/prometheus.yml with its rule file pointed at the repository's copy instead of the container path. */
    @Test
    void promtoolChecksTheDemoPrometheusConfig(@TempDir Path tmp) throws Exception {
        Path promtool = promtool();
        String mountedAt = mountTarget("prometheus", "../ops/prometheus/alerts.yml");
        String config = Files.readString(root.resolve("docker/prometheus.yml"), StandardCharsets.UTF_8);
        assertThat(config).as("docker/prometheus.yml loads the rules where compose.yaml mounts them").contains(mountedAt);
        Path copy = tmp.resolve("prometheus.yml");
        Files.writeString(copy, config.replace(mountedAt, root.resolve("ops/prometheus/alerts.yml").toString()),
                StandardCharsets.UTF_8);
        run(promtool, "check", "config", copy.toString());
    }

    static Path promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String why = "promtool is not installed (Debian: apt-get install prometheus; ops/test installs it)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why);
        }
        Assumptions.assumeTrue(false, why);
        return null;
    }

    static String run(Path tool, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish in 120 s:\n" + out);
        }
        assertThat(p.exitValue()).as("%s exit status; output:%n%s", String.join(" ", cmd), out).isZero();
        return out;
    }

    // ---- the demo stack --------------------------------------------------------------------------

    static JsonNode compose() throws IOException {
        return YAML.readTree(root.resolve("docker/compose.yaml").toFile());
    }

    /** A service's bind mounts as host path (as written) → container path. */
    static Map<String, String> bindMounts(JsonNode service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (JsonNode v : service.path("volumes")) {
            if (v.isTextual()) {
                String[] parts = v.asText().split(":");
                if (parts.length >= 2 && (parts[0].startsWith(".") || parts[0].startsWith("/"))) {
                    mounts.put(parts[0], parts[1]);
                }
            } else if (v.path("type").asText().equals("bind")) {
                mounts.put(v.path("source").asText(), v.path("target").asText());
            }
        }
        return mounts;
    }

    static String mountTarget(String service, String hostPath) throws IOException {
        String target = bindMounts(compose().path("services").path(service)).get(hostPath);
        assertThat(target).as("service %s of docker/compose.yaml mounts %s", service, hostPath).isNotNull();
        return target;
    }

    @Test
    void theComposeStackHasItsServicesAndEveryMountedFileExists() throws IOException {
        JsonNode services = compose().path("services");
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).contains("postgres", "mariadb", "mysql", "accountsync", "prometheus", "grafana");

        Path dockerDir = root.resolve("docker");
        for (String name : names) {
            for (String host : bindMounts(services.path(name)).keySet()) {
                assertThat(dockerDir.resolve(host).normalize()).as("host path %s mounted by service %s", host, name).exists();
            }
        }
        assertThat(services.path("postgres").path("image").asText()).startsWith("postgres:15");
        assertThat(services.path("postgres").path("command").toString()).contains("wal_level=logical");
        assertThat(services.path("mariadb").path("image").asText()).startsWith("mariadb:10.11");
        assertThat(services.path("mariadb").path("command").toString())
                .contains("--log-bin", "--binlog-format=ROW", "--binlog-row-image=FULL", "--server-id=1");
        assertThat(services.path("mysql").path("image").asText()).startsWith("mysql:8.0");
        assertThat(services.path("mysql").path("command").toString())
                .contains("--log-bin", "--binlog-format=ROW", "--binlog-row-image=FULL", "--gtid-mode=ON");

        // The init scripts create the users tables; PostgreSQL captures need REPLICA IDENTITY FULL.
        for (String db : List.of("postgres", "mariadb", "mysql")) {
            Map<String, String> mounts = bindMounts(services.path(db));
            Optional<String> init = mounts.entrySet().stream()
                    .filter(e -> e.getValue().startsWith("/docker-entrypoint-initdb.d/")).map(Map.Entry::getKey).findFirst();
            assertThat(init).as("service %s mounts an init script", db).isPresent();
            String sql = Files.readString(dockerDir.resolve(init.get()), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            assertThat(sql).contains("create table").contains("users");
            if (db.equals("postgres")) {
                assertThat(sql).contains("replica identity full");
            }
        }

        // Prometheus gets the alert rules, Grafana the dashboard where its provisioning looks.
        mountTarget("prometheus", "../ops/prometheus/alerts.yml");
        String dashboardAt = mountTarget("grafana", "../ops/grafana/accountsync-dashboard.json");
        boolean provisioned = false;
        for (String host : bindMounts(services.path("grafana")).keySet()) {
            Path p = dockerDir.resolve(host).normalize();
            if (Files.isDirectory(p)) {
                try (var files = Files.list(p)) {
                    for (Path f : files.toList()) {
                        JsonNode doc = YAML.readTree(f.toFile());
                        for (JsonNode provider : doc.path("providers")) {
                            String dir = provider.path("options").path("path").asText();
                            provisioned |= !dir.isEmpty() && dashboardAt.startsWith(dir + "/");
                        }
                    }
                }
            }
        }
        assertThat(provisioned).as("a Grafana dashboard provider loads %s", dashboardAt).isTrue();
    }

    @Test
    void theAccountsyncServiceRunsTheDaemonJarBuiltByTheDockerfile() throws IOException {
        JsonNode svc = compose().path("services").path("accountsync");
        Path context = root.resolve("docker").resolve(svc.path("build").path("context").asText(".")).normalize();
        assertThat(context).as("build context of the accountsync service").isEqualTo(root);
        assertThat(context.resolve(svc.path("build").path("dockerfile").asText("Dockerfile")).normalize())
                .isEqualTo(root.resolve("docker/Dockerfile"));

        String dockerfile = Files.readString(root.resolve("docker/Dockerfile"), StandardCharsets.UTF_8);
        List<String> lines = dockerfile.lines().map(String::strip).filter(l -> !l.startsWith("#")).toList();
        String entrypoint = lines.stream().filter(l -> l.startsWith("ENTRYPOINT")).reduce((a, b) -> b).orElseThrow();
        JsonNode argv = JSON.readTree(entrypoint.substring("ENTRYPOINT".length()).strip());
        List<String> args = new ArrayList<>();
        argv.forEach(a -> args.add(a.asText()));
        assertThat(args.get(0)).isEqualTo("java");
        assertThat(args).containsSubsequence("-jar", "/opt/accountsync/accountsync.jar");
        assertThat(args).as("the image's JVM runs as the systemd unit's (collector and JIT, README Performance)")
                .contains("-XX:+UseParallelGC", "-XX:-TieredCompilation");
        assertThat(lines).contains("COPY --from=build /src/daemon/target/accountsync.jar /opt/accountsync/accountsync.jar");

        // The build stage copies the parent POM and every module, then packages (the shaded jar of daemon).
        String pom = Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        List<String> modules = new ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1).strip());
        }
        assertThat(modules).contains("schemas", "connectors", "daemon");
        assertThat(lines).contains("COPY pom.xml .");
        for (String module : modules) {
            assertThat(lines).as("docker/Dockerfile copies module %s", module).contains("COPY " + module + " " + module);
        }
        assertThat(lines).anyMatch(l -> l.startsWith("RUN mvn") && l.contains("package"));
        assertThat(Files.readString(root.resolve("daemon/pom.xml"), StandardCharsets.UTF_8))
                .as("daemon/pom.xml shades into target/accountsync.jar").contains("<finalName>accountsync</finalName>");

        // The config is mounted where the image's CMD reads it; its secrets are set in the service.
        String cmd = lines.stream().filter(l -> l.startsWith("CMD")).reduce((a, b) -> b).orElseThrow();
        assertThat(cmd).contains("/etc/accountsync/config.yaml");
        assertThat(mountTarget("accountsync", "./accountsync.yaml")).isEqualTo("/etc/accountsync/config.yaml");
        Set<String> envNames = new TreeSet<>();
        JsonNode env = svc.path("environment");
        if (env.isObject()) {
            env.fieldNames().forEachRemaining(envNames::add);
        } else {
            env.forEach(e -> envNames.add(e.asText().split("=", 2)[0]));
        }
        assertThat(envNames).as("environment of the accountsync service").containsAll(secretVariables());
    }

    static Set<String> secretVariables() throws IOException {
        Set<String> vars = new TreeSet<>();
        Matcher m = SECRET_VAR.matcher(Files.readString(root.resolve("docker/accountsync.yaml"), StandardCharsets.UTF_8));
        while (m.find()) {
            vars.add(m.group(1));
        }
        return vars;
    }

    /** What `accountsync config check -c docker/accountsync.yaml` checks, with the demo's secrets set. */
    @Test
    void theDemoConfigPassesConfigCheck() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        for (String v : secretVariables()) {
            env.put(v, "demo-secret");
        }
        AccountsyncConfig config;
        try {
            config = ConfigLoader.load(root.resolve("docker/accountsync.yaml"), env::get);
        } catch (ConfigException e) {
            throw new AssertionError("docker/accountsync.yaml has problems: " + e.problems(), e);
        }
        assertThat(config.environments()).containsOnlyKeys("pg", "maria", "mysql");
        // Prometheus scrapes the daemon from another container.
        assertThat(config.metrics().enabled()).isTrue();
        assertThat(config.metrics().host()).isEqualTo("0.0.0.0");
        String prometheus = Files.readString(root.resolve("docker/prometheus.yml"), StandardCharsets.UTF_8);
        assertThat(prometheus).contains("accountsync:" + config.metrics().port()).contains("job_name: accountsync");
    }

    // ---- systemd ---------------------------------------------------------------------------------

    @Test
    void theSystemdUnitIsHardened() throws IOException {
        Path unit = root.resolve("ops/systemd/accountsync.service");
        List<String> lines = Files.readAllLines(unit, StandardCharsets.UTF_8);
        Map<String, String> d = new LinkedHashMap<>();
        for (String l : lines) {
            String s = l.strip();
            if (!s.isEmpty() && !s.startsWith("#") && !s.startsWith("[") && s.contains("=")) {
                d.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
            }
        }
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("User", "accountsync");
        expected.put("DynamicUser", "no");
        expected.put("StateDirectory", "accountsync");
        expected.put("ConfigurationDirectory", "accountsync");
        expected.put("EnvironmentFile", "-/etc/accountsync/env");
        expected.put("NoNewPrivileges", "yes");
        expected.put("ProtectSystem", "strict");
        expected.put("ProtectHome", "yes");
        expected.put("PrivateTmp", "yes");
        expected.put("PrivateDevices", "yes");
        expected.put("ProtectKernelTunables", "yes");
        expected.put("ProtectKernelModules", "yes");
        expected.put("ProtectKernelLogs", "yes");
        expected.put("ProtectControlGroups", "yes");
        expected.put("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX");
        expected.put("RestrictNamespaces", "yes");
        expected.put("LockPersonality", "yes");
        expected.put("MemoryDenyWriteExecute", "no");
        expected.put("SystemCallArchitectures", "native");
        expected.put("CapabilityBoundingSet", "");
        expected.put("Restart", "on-failure");
        expected.put("SuccessExitStatus", "143");
        expected.put("ExecStart", "/usr/bin/java -Xmx512m -XX:+UseParallelGC -XX:-TieredCompilation -jar /opt/accountsync/accountsync.jar run -c /etc/accountsync/config.yaml");
        assertThat(d).as("directives of %s", unit).containsAllEntriesOf(expected);
        assertThat(d).containsKey("TimeoutStopSec");
        // Say why W+X stays allowed, right above the directive.
        int mdwe = lines.indexOf("MemoryDenyWriteExecute=no");
        assertThat(String.join("\n", lines.subList(Math.max(0, mdwe - 3), mdwe))).containsIgnoringCase("JIT");
    }

    /** systemd's own parser, where it is installed (it also checks that ExecStart's binary exists). */
    @Test
    void systemdAnalyzeVerifiesTheUnit() throws Exception {
        Path tool = Path.of("/usr/bin/systemd-analyze");
        Assumptions.assumeTrue(Files.isExecutable(tool), "systemd-analyze is not installed");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/java")), "no /usr/bin/java for ExecStart");
        String out = run(tool, "verify", root.resolve("ops/systemd/accountsync.service").toString());
        assertThat(out).as("systemd-analyze verify output").doesNotContain("accountsync.service:");
    }
}
