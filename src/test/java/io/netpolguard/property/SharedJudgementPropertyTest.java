package io.netpolguard.property;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.Protocol;
import io.netpolguard.netpol.Verdict;
import io.netpolguard.property.EngineCase.Pod;
import io.netpolguard.property.EngineCase.Probe;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One engine shares the decisions of its NetworkPolicy tier between peers its policies cannot tell apart (issue
 * 15: a change in a namespace every application talks to is judged per class of peers, not per connection). Every
 * connection of a generated cluster judged by one engine must get the verdict, and the explanation, that a fresh
 * engine gives it alone.
 */
class SharedJudgementPropertyTest {
    static final int TRIES = 80;
    /** Numbered and named ports (9090 and 81 are named "metrics" on some generated pods), for every protocol. */
    private static final List<Integer> PORTS = List.of(53, 80, 81, 9090);
    private static final List<Protocol> PROTOCOLS = List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP);
    private static long connections;

    @Test
    void sharedDecisionsEqualJudgingEachConnectionAlone() {
        int ran = PropertyRunner.check("shared decisions equal fresh ones", TRIES, EngineGen::generate,
                EngineCase::shrinks, SharedJudgementPropertyTest::assertSame);
        assertThat(ran).isEqualTo(PropertyRunner.tries(TRIES));
        System.out.printf("shared judgement property: %d connections in %d clusters%n", connections, ran);
        assertThat(connections).isGreaterThan(ran * 10L);
    }

    private static void assertSame(EngineCase cluster) {
        PolicyEngine shared = EnginePropertyTest.engine(cluster);
        List<String> differences = new ArrayList<>();
        List<String> ends = ends(cluster);
        for (String from : ends) {
            for (String to : ends) {
                if (!from.contains("/") && !to.contains("/")) {
                    continue;
                }
                for (int port : PORTS) {
                    for (Protocol protocol : PROTOCOLS) {
                        Connection connection = new Connection(EnginePropertyTest.endpoint(cluster, from),
                                EnginePropertyTest.endpoint(cluster, to), port, protocol);
                        Verdict once = shared.evaluate(connection);
                        Verdict alone = EnginePropertyTest.engine(cluster).evaluate(connection);
                        connections++;
                        if (once.outcome() != alone.outcome() || !once.explanation().equals(alone.explanation())) {
                            differences.add(connection.describe() + ": shared " + once.explanation() + "\nalone "
                                    + alone.explanation());
                        }
                    }
                }
            }
        }
        assertThat(differences).as("verdicts of one engine differ from fresh engines").isEmpty();
    }

    /** Every pod and every outside address the case's probes use. */
    private static List<String> ends(EngineCase cluster) {
        Set<String> ends = new LinkedHashSet<>();
        for (Pod pod : cluster.pods()) {
            ends.add(pod.ref());
        }
        for (Probe probe : cluster.probes()) {
            ends.add(probe.from());
            ends.add(probe.to());
        }
        return List.copyOf(ends);
    }
}
