package io.accountsync.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportFormatTest {

    private static Report report(Check... checks) {
        return new Report(List.of(
                new Report.EnvReport("a", "postgresql://sync@db:5432/wiki", "generic", "both", true, List.of(checks)),
                new Report.EnvReport("old", "mariadb://sync@db:3306/old", "generic", "both", false, List.of())));
    }

    @Test
    void shouldGroupByEnvironmentWithFixLinesAndASummary() {
        Report r = report(Check.ok("a", "reachable", "db:5432 answered"),
                Check.fail("a", "wal_level", "wal_level is replica", "ALTER SYSTEM SET wal_level = logical;\nthen restart"),
                Check.warn("a", "least privilege", "sync is a superuser", "ALTER ROLE sync NOSUPERUSER;"));
        String text = ReportFormat.text(r);
        assertThat(text).contains("a  postgresql://sync@db:5432/wiki  (profile generic, role both)\n")
                .contains("  OK    reachable              db:5432 answered\n")
                .contains("  FAIL  wal_level              wal_level is replica\n")
                .contains("fix: ALTER SYSTEM SET wal_level = logical;\n")
                .contains("     then restart\n")
                .contains("fix: ALTER ROLE sync NOSUPERUSER;")
                .contains("old  mariadb://sync@db:3306/old  (profile generic, role both)\n  disabled (enabled: false): not checked")
                .endsWith("1 environment checked: 1 FAIL, 1 WARN, 1 OK\n");
        assertThat(r.exitCode()).isEqualTo(1);
    }

    @Test
    void shouldExitZeroOnWarningsAlone() {
        assertThat(report(Check.warn("a", "gtid", "off", "turn it on"), Check.ok("a", "x", "")).exitCode()).isZero();
    }

    @Test
    void shouldRenderJsonWithEveryCheck() throws Exception {
        Report r = report(Check.ok("a", "reachable", "up"), Check.fail("a", "grants", "lacks RELOAD", "GRANT RELOAD ON *.* TO 'u'@'%';"));
        JsonNode root = new ObjectMapper().readTree(ReportFormat.json(r));
        assertThat(root.get("ok").asBoolean()).isFalse();
        assertThat(root.at("/summary/fail").asInt()).isEqualTo(1);
        assertThat(root.at("/summary/ok").asInt()).isEqualTo(1);
        JsonNode a = root.get("environments").get(0);
        assertThat(a.get("name").asText()).isEqualTo("a");
        assertThat(a.at("/checks/0/fix").isNull()).isTrue();
        assertThat(a.at("/checks/1/status").asText()).isEqualTo("FAIL");
        assertThat(a.at("/checks/1/fix").asText()).isEqualTo("GRANT RELOAD ON *.* TO 'u'@'%';");
        assertThat(root.get("environments").get(1).get("enabled").asBoolean()).isFalse();
    }

    @Test
    void shouldRequireAFixForEveryWarningAndFailure() {
        assertThatThrownBy(() -> Check.fail("a", "x", "broken", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Check.warn("a", "x", "meh", " ")).isInstanceOf(IllegalArgumentException.class);
    }
}
