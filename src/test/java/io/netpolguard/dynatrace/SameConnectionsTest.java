package io.netpolguard.dynatrace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Stretches of kept and new connections answer as the index of each connection before would. */
class SameConnectionsTest {

    @Test
    void namespacesKeptReplacedAndAddedReadAsEachConnectionsIndexBefore() {
        // before: billing (0-2), shop (3-6), reports (7-8); now: billing kept, shop replaced by 2 new, audit new, reports kept
        int[] same = {0, 1, 2, -1, -1, -1, 7, 8};
        SameConnections stretches = SameConnections.of(same);

        assertThat(stretches.stretches()).isEqualTo(3);
        for (int c = 0; c < same.length; c++) {
            assertThat(stretches.at(c)).isEqualTo(same[c]);
        }
        assertThat(stretches.inverse(9)).containsExactly(0, 1, 2, -1, -1, -1, -1, 6, 7);
        byte[] before = {1, 1, 2, 3, 3, 3, 3, 0, 2};
        byte[] now = new byte[8];
        stretches.copyKept(before, now);
        assertThat(now).containsExactly(1, 1, 2, 0, 0, 0, 0, 2);
    }

    @Test
    void randomMappingsReadBackExactly() {
        Random random = new Random(1201);
        for (int round = 0; round < 200; round++) {
            int sizeBefore = random.nextInt(50);
            int[] same = new int[random.nextInt(50)];
            int next = 0;
            for (int c = 0; c < same.length; c++) {
                if (next < sizeBefore && random.nextInt(4) > 0) {
                    next += random.nextInt(3) == 0 ? Math.min(random.nextInt(3), sizeBefore - 1 - next) : 0;
                    same[c] = next++;
                } else {
                    same[c] = -1;
                }
            }
            SameConnections stretches = SameConnections.of(same);
            int[] expectedInverse = new int[sizeBefore];
            java.util.Arrays.fill(expectedInverse, -1);
            for (int c = same.length - 1; c >= 0; c--) { // reading backwards too: the hint must not lead astray
                assertThat(stretches.at(c)).isEqualTo(same[c]);
                if (same[c] >= 0) {
                    expectedInverse[same[c]] = c;
                }
            }
            assertThat(stretches.size()).isEqualTo(same.length);
            assertThat(stretches.inverse(sizeBefore)).containsExactly(expectedInverse);
        }
    }
}
