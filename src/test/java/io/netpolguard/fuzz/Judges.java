package io.netpolguard.fuzz;

import io.netpolguard.admission.AdmissionHandler;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.guard.Guard;
import io.netpolguard.scenario.Scenario;
import io.netpolguard.scenario.Scenarios;

/**
 * What the fuzzed objects are judged against: the example cluster of the scenarios (the operator, a DynaKube,
 * policies that allow every flow), with one long-lived guard whose caches stay warm, as in the server.
 */
public final class Judges {
    private static Scenario scenario;
    private static ClusterSnapshot snapshot;
    private static Guard guard;
    private static AdmissionHandler handler;

    private Judges() {
    }

    private static synchronized void load() {
        if (scenario == null) {
            scenario = Scenarios.named("example-delete-allow-dns");
            snapshot = scenario.snapshot();
            guard = scenario.guard();
            handler = new AdmissionHandler(guard);
        }
    }

    public static ClusterSnapshot snapshot() {
        load();
        return snapshot;
    }

    public static Guard guard() {
        load();
        return guard;
    }

    public static AdmissionHandler handler() {
        load();
        return handler;
    }
}
