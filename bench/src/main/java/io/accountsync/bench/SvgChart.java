package io.accountsync.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's chart, as one self-contained SVG: throughput (log scale) with the streaming target, the latency
 * percentiles against their targets, latency over the paced run second by second, and the bootstrap against the
 * naive baseline.
 */
final class SvgChart {
    private static final int W = 1240;
    private static final int H = 860;
    private static final int PW = 580;
    private static final int PH = 380;
    private final StringBuilder svg = new StringBuilder();

    private record Bar(String label, double value, String text, String color) {
    }

    private SvgChart() {
    }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> report) {
        SvgChart c = new SvgChart();
        c.svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H, W, H));
        c.svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        Object machine = report.get("machine");
        String title = "accountsync bench (" + report.get("mode") + ")"
                + (machine instanceof Map<?, ?> m ? " — " + m.get("cpus") + " cores, " + m.get("cpu_model") : "");
        c.text(20, 24, title, 15, "start", "bold");

        List<Bar> tp = new ArrayList<>();
        add(tp, "capture PostgreSQL", Report.num(report, "capture_ceiling", "postgresql", "events_per_s"), "events/s", "#7f8c8d");
        add(tp, "capture MariaDB", Report.num(report, "capture_ceiling", "mariadb", "events_per_s"), "events/s", "#7f8c8d");
        add(tp, "streaming generic", Report.num(report, "streaming", "generic", "burst", "changes_per_s"), "changes/s", "#2980b9");
        add(tp, "streaming apps", Report.num(report, "streaming", "apps", "burst", "changes_per_s"), "changes/s", "#2980b9");
        add(tp, "bootstrap", Report.num(report, "bootstrap", "bootstrap", "accounts_per_s"), "accounts/s", "#27ae60");
        Double naiveS = Report.num(report, "bootstrap", "naive", "cycle_s");
        Double accounts = Report.num(report, "bootstrap", "data", "accounts");
        add(tp, "naive baseline", naiveS == null || accounts == null ? null : accounts / naiveS, "accounts/s", "#c0392b");
        c.logBars(20, 50, "Throughput (log scale)", tp, Report.TARGET_RATE, "streaming target 5,000/s");

        List<Bar> lat = new ArrayList<>();
        for (String p : List.of("p50", "p95", "p99")) {
            add(lat, "generic " + p, Report.num(report, "streaming", "generic", "latency", p + "_ms"), "ms", "#2980b9");
        }
        for (String p : List.of("p50", "p99")) {
            add(lat, "generic ¼ load " + p, Report.num(report, "streaming", "generic", "latency_quarter_load", p + "_ms"),
                    "ms", "#85c1e9");
        }
        for (String p : List.of("p50", "p95", "p99")) {
            add(lat, "apps " + p, Report.num(report, "streaming", "apps", "latency", p + "_ms"), "ms", "#8e44ad");
        }
        Double rate = Report.num(report, "streaming", "generic", "latency", "offered_changes_per_s");
        c.linearBars(640, 50, "Commit-to-visible latency at " + Report.fmt(rate) + " changes/s (ms)", lat,
                new double[] {Report.TARGET_P50_MS, Report.TARGET_P99_MS}, new String[] {"p50 target", "p99 target"});

        Object series = null;
        Object streaming = report.get("streaming");
        if (streaming instanceof Map<?, ?> s && s.get("generic") instanceof Map<?, ?> g
                && g.get("latency") instanceof Map<?, ?> l) {
            series = l.get("per_second_p50_p99_ms");
        }
        c.latencyOverTime(20, 460, series instanceof List<?> list ? (List<Object>) list : List.of());

        List<Bar> secs = new ArrayList<>();
        add(secs, "bootstrap", Report.num(report, "bootstrap", "bootstrap", "seconds"), "s", "#27ae60");
        add(secs, "naive: one cycle", naiveS, "s", "#c0392b");
        add(secs, "naive: user latency", Report.num(report, "bootstrap", "naive", "user_latency_avg_s"), "s", "#e67e22");
        c.linearBars(640, 460, "Bootstrap vs the naive baseline, " + Report.fmt(accounts) + " × 3 accounts (s)", secs,
                new double[] {Report.TARGET_BOOTSTRAP_S}, new String[] {"60 s target"});
        c.svg.append("</svg>\n");
        return c.svg.toString();
    }

    private static void add(List<Bar> bars, String label, Double value, String unit, String color) {
        if (value != null && !value.isNaN()) {
            bars.add(new Bar(label, value, Report.fmt(value) + " " + unit, color));
        }
    }

    private void frame(int x, int y, String title) {
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#ccc\"/>\n", x, y, PW, PH));
        text(x + 10, y + 20, title, 13, "start", "bold");
    }

    private void logBars(int x, int y, String title, List<Bar> bars, double target, String targetLabel) {
        frame(x, y, title);
        if (bars.isEmpty()) {
            return;
        }
        int left = x + 140;
        int width = PW - 160;
        double lo = 1;
        double hi = Math.pow(10, Math.ceil(Math.log10(bars.stream().mapToDouble(Bar::value).max().orElse(10) * 1.5)));
        for (double d = 10; d <= hi; d *= 10) {
            int gx = left + (int) (width * Math.log10(d / lo) / Math.log10(hi / lo));
            line(gx, y + 35, gx, y + PH - 25, "#eee", 1, null);
            text(gx, y + PH - 10, Report.fmt(d), 10, "middle", "normal");
        }
        int bh = Math.min(40, (PH - 80) / bars.size() - 8);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int by = y + 45 + i * (bh + 8);
            int bw = (int) Math.max(2, width * Math.log10(Math.max(b.value(), lo) / lo) / Math.log10(hi / lo));
            rect(left, by, bw, bh, b.color());
            text(left - 6, by + bh / 2 + 4, b.label(), 12, "end", "normal");
            text(left + bw + 4 > x + PW - 90 ? left + bw - 4 : left + bw + 4, by + bh / 2 + 4, b.text(), 11,
                    left + bw + 4 > x + PW - 90 ? "end" : "start", "normal");
        }
        int tx = left + (int) (width * Math.log10(target / lo) / Math.log10(hi / lo));
        line(tx, y + 35, tx, y + PH - 25, "#e74c3c", 2, "6,4");
        text(tx + 4, y + 40, targetLabel, 10, "start", "normal");
    }

    private void linearBars(int x, int y, String title, List<Bar> bars, double[] targets, String[] targetLabels) {
        frame(x, y, title);
        if (bars.isEmpty()) {
            return;
        }
        int left = x + 150;
        int width = PW - 170;
        double max = bars.stream().mapToDouble(Bar::value).max().orElse(1);
        for (double t : targets) {
            if (t < max * 3) {
                max = Math.max(max, t);
            }
        }
        max *= 1.1;
        int bh = Math.min(40, (PH - 80) / bars.size() - 8);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int by = y + 45 + i * (bh + 8);
            int bw = (int) Math.max(2, width * Math.min(b.value(), max) / max);
            rect(left, by, bw, bh, b.color());
            text(left - 6, by + bh / 2 + 4, b.label(), 12, "end", "normal");
            boolean inside = left + bw + 4 > x + PW - 90;
            text(inside ? left + bw - 4 : left + bw + 4, by + bh / 2 + 4, b.text(), 11, inside ? "end" : "start",
                    "normal");
        }
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] <= max) {
                int tx = left + (int) (width * targets[i] / max);
                line(tx, y + 35, tx, y + PH - 15, "#e74c3c", 2, "6,4");
                text(tx + 4, y + PH - 18 - 14 * i, targetLabels[i], 10, "start", "normal");
            }
        }
    }

    private void latencyOverTime(int x, int y, List<Object> series) {
        frame(x, y, "Latency second by second during the paced run (ms): p50, p99");
        if (series.isEmpty()) {
            return;
        }
        int left = x + 50;
        int width = PW - 70;
        int top = y + 40;
        int height = PH - 80;
        double maxT = 1;
        double maxV = Report.TARGET_P99_MS * 1.1;
        List<double[]> pts = new ArrayList<>();
        for (Object o : series) {
            double[] p;
            if (o instanceof double[] a) {
                p = a;
            } else {
                List<?> l = (List<?>) o;
                p = new double[] {((Number) l.get(0)).doubleValue(), ((Number) l.get(1)).doubleValue(),
                        ((Number) l.get(2)).doubleValue()};
            }
            pts.add(p);
            maxT = Math.max(maxT, p[0] + 1);
            maxV = Math.max(maxV, p[2] * 1.1);
        }
        for (int g = 0; g <= 4; g++) {
            double v = maxV * g / 4;
            int gy = top + height - (int) (height * v / maxV);
            line(left, gy, left + width, gy, "#eee", 1, null);
            text(left - 4, gy + 4, Report.fmt(v), 10, "end", "normal");
        }
        text(left + width / 2, y + PH - 8, "seconds into the run", 10, "middle", "normal");
        for (double target : new double[] {Report.TARGET_P50_MS, Report.TARGET_P99_MS}) {
            int ty = top + height - (int) (height * target / maxV);
            line(left, ty, left + width, ty, "#e74c3c", 1.5, "6,4");
        }
        for (int k = 1; k <= 2; k++) {
            StringBuilder d = new StringBuilder();
            for (double[] p : pts) {
                int px = left + (int) (width * (p[0] + 0.5) / maxT);
                int py = top + height - (int) (height * p[k] / maxV);
                d.append(d.length() == 0 ? "M" : " L").append(px).append(',').append(py);
            }
            svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n",
                    d, k == 1 ? "#2980b9" : "#8e44ad"));
        }
        text(left + width - 4, top + 12, "p50 (blue), p99 (purple); dashed: targets 100 / 500 ms", 10, "end", "normal");
    }

    private void rect(int x, int y, int w, int h, String color) {
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n",
                x, y, w, h, color));
    }

    private void line(int x1, int y1, int x2, int y2, String color, double width, String dash) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                + "stroke-width=\"%.1f\"%s/>\n", x1, y1, x2, y2, color, width,
                dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
    }

    private void text(int x, int y, String s, int size, String anchor, String weight) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"%s\" "
                + "font-weight=\"%s\">%s</text>\n", x, y, size, anchor, weight, escape(s)));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
