package io.netpolguard.guard;

import io.netpolguard.dynatrace.Severity;
import java.util.Map;

/**
 * The judgement's knobs: the global mode, per-flow mode and severity overrides, and the mode for
 * DynaKube and EdgeConnect changes (warn by default: they add requirements rather than break
 * working flows).
 */
public record GuardSettings(Mode mode, Map<String, Mode> flowModes, Map<String, Severity> flowSeverities,
        Mode dynaKubeMode, Mode edgeConnectMode) {
    public static final String EXEMPT_ANNOTATION = "netpol-guard.io/exempt";

    public GuardSettings {
        flowModes = Map.copyOf(flowModes);
        flowSeverities = Map.copyOf(flowSeverities);
    }

    public static GuardSettings defaults() {
        return new GuardSettings(Mode.ENFORCE, Map.of(), Map.of(), Mode.WARN, Mode.WARN);
    }

    public Mode flowMode(String flowId) {
        return flowModes.getOrDefault(flowId, Mode.ENFORCE);
    }

    public Severity severity(String flowId, Severity catalogueDefault) {
        return flowSeverities.getOrDefault(flowId, catalogueDefault);
    }

    /** The mode for changes of this kind: the DynaKube/EdgeConnect mode, or the global one. */
    public Mode kindMode(String kind) {
        return switch (kind) {
            case "DynaKube" -> dynaKubeMode;
            case "EdgeConnect" -> edgeConnectMode;
            default -> Mode.ENFORCE;
        };
    }
}
