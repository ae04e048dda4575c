package io.netpolguard.connectivity;

import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.Outcome;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.Protocol;

/** Judges one pair of ends with the engine, on one port per interval between the cuts. */
final class PairJudge {
    private static final Protocol[] PROTOCOLS = Protocol.values();
    private final PolicyEngine engine;
    private long evaluations;

    PairJudge(PolicyEngine engine) {
        this.engine = engine;
    }

    long evaluations() {
        return evaluations;
    }

    /** @param starts per protocol, the first port of each interval; null for a protocol no rule names */
    Judgement judge(Endpoint from, Endpoint to, int[][] starts) {
        PortSet.Builder allowed = new PortSet.Builder();
        PortSet.Builder unverifiable = new PortSet.Builder();
        Outcome unnamed = null;
        boolean any = false;
        for (Protocol protocol : PROTOCOLS) {
            int[] ports = starts[protocol.ordinal()];
            if (ports == null) {
                if (unnamed == null) {
                    unnamed = evaluate(from, to, 1, protocol);
                }
                any |= add(unnamed, protocol, 1, PortSet.MAX_PORT, allowed, unverifiable);
                continue;
            }
            for (int i = 0; i < ports.length; i++) {
                int last = i + 1 < ports.length ? ports[i + 1] - 1 : PortSet.MAX_PORT;
                any |= add(evaluate(from, to, ports[i], protocol), protocol, ports[i], last, allowed, unverifiable);
            }
        }
        return any ? new Judgement(allowed.build(), unverifiable.build()) : Judgement.NONE;
    }

    private Outcome evaluate(Endpoint from, Endpoint to, int port, Protocol protocol) {
        evaluations++;
        return engine.evaluate(new Connection(from, to, port, protocol)).outcome();
    }

    private static boolean add(Outcome outcome, Protocol protocol, int first, int last, PortSet.Builder allowed,
            PortSet.Builder unverifiable) {
        if (outcome == Outcome.BLOCKED) {
            return false;
        }
        (outcome == Outcome.ALLOWED ? allowed : unverifiable).add(protocol, first, last);
        return true;
    }
}
