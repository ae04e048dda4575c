package io.netpolguard.dynatrace;

import io.netpolguard.netpol.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The ports of the OpenTelemetry collector per enabled telemetryIngest protocol (spec §1). */
final class TelemetryPorts {
    private static final Map<String, List<RequiredFlows.PortSpec>> BY_PROTOCOL = Map.of(
            "otlp", List.of(tcp(4317), tcp(4318)),
            "zipkin", List.of(tcp(9411)),
            "jaeger", List.of(tcp(14250), tcp(14268), udp(6831), udp(6832)),
            "statsd", List.of(udp(8125)));

    private TelemetryPorts() {
    }

    static List<RequiredFlows.PortSpec> of(List<String> protocols) {
        List<RequiredFlows.PortSpec> ports = new ArrayList<>();
        for (String protocol : protocols) {
            ports.addAll(BY_PROTOCOL.getOrDefault(protocol, List.of()));
        }
        return ports;
    }

    private static RequiredFlows.PortSpec tcp(int port) {
        return new RequiredFlows.PortSpec(Protocol.TCP, port);
    }

    private static RequiredFlows.PortSpec udp(int port) {
        return new RequiredFlows.PortSpec(Protocol.UDP, port);
    }
}
