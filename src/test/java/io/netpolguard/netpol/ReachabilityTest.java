package io.netpolguard.netpol;

import static io.netpolguard.netpol.Protocol.TCP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The truth-table helper itself: patterns, the fixed diagonal, and a failure that shows both matrices. */
class ReachabilityTest {

    @Test
    void patternsSelectRowsAndColumnsButNeverTheDiagonal() {
        Reachability table = Reachability.allAllowed().block("x/*", "*").allow("x/a", "*/b");

        assertThat(table.toString().lines().toList()).contains(
                "    x/a  .    .    X    X    .    X    X    .    X",
                "    y/a  .    .    .    .    .    .    .    .    .");
        assertThat(Reachability.allBlocked().toString().lines().toList())
                .contains("    y/b  X    X    X    X    .    X    X    X    X");
    }

    @Test
    void aMismatchPrintsExpectedAndActualMatricesAndExplainsEachDifference() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: deny-b
                  namespace: y
                spec:
                  podSelector:
                    matchLabels:
                      pod: b
                """);

        assertThatThrownBy(() -> cluster.assertReachability(Reachability.allAllowed(), TCP, 80))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("TCP/80: 8 of 81 connections differ")
                .hasMessageContaining("expected:\n")
                .hasMessageContaining("actual:\n")
                .hasMessageContaining("    x/a  .    .    .    .    X    .    .    .    .")
                .hasMessageContaining("x/a -> y/b: expected allowed, was BLOCKED\n    blocked by the ingress of y/b");
    }

    @Test
    void aPatternThatMatchesNoPodIsAMistakeInTheTest() {
        assertThatThrownBy(() -> Reachability.allAllowed().block("w/*", "*"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("w/*");
    }
}
