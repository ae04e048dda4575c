package io.netpolguard.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The fuzzers' time bound counts the CPU time of the call, so a busy machine does not fail a call that is merely slow. */
class BoundedTest {

    @Test
    void aCallThatComputesPastTheBoundFails() {
        assertThatThrownBy(() -> Bounded.documented("spin", "spinning", () -> {
            long x = 0;
            while (!Thread.currentThread().isInterrupted()) {
                x++;
            }
            return x;
        }, e -> false, 1)).isInstanceOf(AssertionError.class)
                .hasMessage("spinning did not finish within 1 s of CPU time (or 12 s of wall time) on spin (twice)");
    }

    @Test
    void waitingLongerThanTheBoundWithoutComputingIsNotAHang() {
        // 1.5 s of wall time, almost no CPU: what a descheduled call on a loaded machine looks like to the bound
        Optional<String> answer = Bounded.documented("sleep", "sleeping", () -> {
            Thread.sleep(1_500);
            return "done";
        }, e -> false, 1);
        assertThat(answer).contains("done");
    }
}
