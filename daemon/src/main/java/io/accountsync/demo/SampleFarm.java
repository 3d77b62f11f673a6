package io.accountsync.demo;

import java.util.List;
import java.util.Map;

/**
 * The sample accounts, chosen to disagree the ways real farms do: one person with a different name
 * and address in each application (the newest one verified), one with an older profile in Trac and a
 * newer one in Moodle, one who agrees everywhere, and people known to one application only. Under
 * the {@code newer} policy the application where the person was active last wins.
 */
final class SampleFarm {
    private static final long DAY = 86_400;

    private SampleFarm() {
    }

    /** Environment → its accounts, with last activity relative to {@code now} (Unix seconds). */
    static Map<String, List<DemoApp.Sample>> accounts(long now) {
        return Map.of(
                "trac", List.of(
                        new DemoApp.Sample("tom", "Tom Sawyer", "tom@example.org", false, now - 30 * DAY),
                        new DemoApp.Sample("polly", "Polly Harper", "polly@example.org", true, now - 5 * DAY),
                        new DemoApp.Sample("sid", "Sid Sawyer", "sid@example.org", true, now - 3 * DAY),
                        new DemoApp.Sample("becky", "Becky Thatcher", "becky@example.org", true, now - 2 * DAY)),
                "mediawiki", List.of(
                        new DemoApp.Sample("tom", "Thomas Sawyer", "tom.sawyer@example.net", true, now - 2 * 3600),
                        new DemoApp.Sample("sid", "Sid Sawyer", "sid@example.org", true, now - 4 * DAY),
                        new DemoApp.Sample("huck", "Huckleberry Finn", "huck@example.org", false, now - 6 * DAY)),
                "moodle", List.of(
                        new DemoApp.Sample("tom", "Tom Sawyer", "tom@example.org", false, now - 10 * DAY),
                        new DemoApp.Sample("polly", "Aunt Polly", "polly.harper@example.org", true, now - DAY),
                        new DemoApp.Sample("sid", "Sid Sawyer", "sid@example.org", true, now - 5 * DAY),
                        new DemoApp.Sample("jim", "Jim Watson", "jim@example.org", true, now - 7 * DAY)));
    }
}
