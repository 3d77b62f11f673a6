package io.accountsync.doctor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Renders a {@link Report}: a table grouped by environment, or one JSON document. */
public final class ReportFormat {
    private static final int NAME_WIDTH = 22;
    private static final String FIX_INDENT = " ".repeat(2 + 6 + NAME_WIDTH + 1);

    private ReportFormat() {
    }

    /**
     * One block per environment: a heading, then one line per check ({@code STATUS name detail}),
     * each WARN/FAIL followed by its {@code fix:} lines; a summary line last.
     */
    public static String text(Report report) {
        StringBuilder b = new StringBuilder();
        for (Report.EnvReport e : report.environments()) {
            b.append(e.env()).append("  ").append(e.target()).append("  (profile ").append(e.profile())
                    .append(", role ").append(e.role()).append(")\n");
            if (!e.enabled()) {
                b.append("  disabled (enabled: false): not checked\n\n");
                continue;
            }
            for (Check c : e.checks()) {
                b.append("  ").append(pad(c.status().name(), 6)).append(pad(c.name(), NAME_WIDTH)).append(' ')
                        .append(c.detail()).append('\n');
                if (c.fix() != null) {
                    boolean first = true;
                    for (String line : c.fix().split("\n")) {
                        b.append(FIX_INDENT).append(first ? "fix: " : "     ").append(line).append('\n');
                        first = false;
                    }
                }
            }
            b.append('\n');
        }
        long fail = report.count(Status.FAIL);
        long warn = report.count(Status.WARN);
        long ok = report.count(Status.OK);
        long checked = report.environments().stream().filter(Report.EnvReport::enabled).count();
        b.append(checked).append(checked == 1 ? " environment" : " environments").append(" checked: ")
                .append(fail).append(" FAIL, ").append(warn).append(" WARN, ").append(ok).append(" OK\n");
        return b.toString();
    }

    /**
     * {@code {"ok": bool, "summary": {"ok": n, "warn": n, "fail": n}, "environments": [{"name",
     * "target", "profile", "role", "enabled", "checks": [{"name", "status", "detail", "fix"}]}]}}.
     */
    public static String json(Report report) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("ok", report.exitCode() == 0);
        ObjectNode summary = root.putObject("summary");
        summary.put("ok", report.count(Status.OK));
        summary.put("warn", report.count(Status.WARN));
        summary.put("fail", report.count(Status.FAIL));
        ArrayNode envs = root.putArray("environments");
        for (Report.EnvReport e : report.environments()) {
            ObjectNode en = envs.addObject();
            en.put("name", e.env());
            en.put("target", e.target());
            en.put("profile", e.profile());
            en.put("role", e.role());
            en.put("enabled", e.enabled());
            ArrayNode checks = en.putArray("checks");
            for (Check c : e.checks()) {
                ObjectNode cn = checks.addObject();
                cn.put("name", c.name());
                cn.put("status", c.status().name());
                cn.put("detail", c.detail());
                if (c.fix() == null) {
                    cn.putNull("fix");
                } else {
                    cn.put("fix", c.fix());
                }
            }
        }
        try {
            return m.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render the report as JSON", e);
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
