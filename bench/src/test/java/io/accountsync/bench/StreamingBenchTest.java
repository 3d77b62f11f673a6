package io.accountsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamingBenchTest {

    @Test
    void shouldPauseLongerBetweenPollsTheMoreChangesArePending() {
        assertThat(StreamingBench.pollPauseNs(0)).isEqualTo(4_000_000L);
        assertThat(StreamingBench.pollPauseNs(80)).as("the usual backlog at 1,000/s: the fixed pause").isEqualTo(4_000_000L);
        assertThat(StreamingBench.pollPauseNs(2_000)).as("a backlog of 3 s at 1,000/s").isEqualTo(100_000_000L);
        // At most 20,000 pending rows read per second by a poller, however long the backlog.
        for (int pending : new int[] {100, 1_000, 10_000, 100_000}) {
            assertThat(pending * 1e9 / StreamingBench.pollPauseNs(pending)).as("rows/s at %d pending", pending)
                    .isLessThanOrEqualTo(20_000);
        }
    }
}
