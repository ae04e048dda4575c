package io.netpolguard.dynatrace;

import io.netpolguard.netpol.Endpoint;
import java.util.Map;

/**
 * One concrete end of a required flow: the endpoint the engine judges, the component or peer it
 * stands for, and the selector labels a fix would use (empty for addresses).
 */
public record FlowEnd(String role, Endpoint endpoint, Map<String, String> selector) {

    public FlowEnd {
        selector = Map.copyOf(selector);
    }
}
