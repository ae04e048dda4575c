package io.netpolguard.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** A probe with its verdict and, where asked for, its explanation. */
record ProbeResult(Probe probe, boolean allowed, String explanation) {

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("from", probe.from());
        json.put("to", probe.to());
        json.put("port", probe.port().isInt() ? probe.port().asInt() : probe.port().asText());
        json.put("protocol", probe.protocol());
        json.put("allowed", allowed);
        json.put("explanation", explanation);
        return json;
    }
}
