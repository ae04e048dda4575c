package io.netpolguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.IpAddresses;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import java.util.Arrays;
import java.util.List;

/** One probe of a probes file, as written: from, to, port (number or name), protocol; numbered from 1 in file order. */
public record Probe(int number, String from, String to, JsonNode port, String protocol) {

    /** The probe in one object of the probes file; a missing or malformed field is bad input naming the probe. */
    static Probe of(JsonNode node, int number) {
        String from = text(node, "from", number);
        String to = text(node, "to", number);
        JsonNode port = node.get("port");
        if (port == null || !(port.isInt() || port.isTextual() && !port.asText().isBlank())) {
            throw new InputException("probe " + number + " (" + from + " -> " + to + "): port is missing or not a number or name");
        }
        try {
            return new Probe(number, from, to, port, Protocol.parse(node.path("protocol").asText(null)).name());
        } catch (IllegalArgumentException e) {
            throw new InputException("probe " + number + " (" + from + " -> " + to + "): " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field, int number) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InputException("probe " + number + ": '" + field + "' is missing (expected namespace/pod-name or an IP address)");
        }
        return value.asText().trim();
    }

    public Connection toConnection(ProbeTargets targets) {
        Endpoint source = endpoint(from, targets);
        Endpoint destination = endpoint(to, targets);
        Protocol proto = Protocol.valueOf(protocol);
        return new Connection(source, destination, portNumber(destination, proto), proto);
    }

    private Endpoint endpoint(String text, ProbeTargets targets) {
        var address = IpAddresses.parse(text);
        if (address.isPresent()) {
            // The address of a (non host-network) Pod is that Pod: its policies and labels apply.
            return targets.atAddress(address.get());
        }
        String[] parts = text.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || Arrays.stream(parts).anyMatch(String::isEmpty)) {
            throw new InputException(describe() + ": '" + text + "' is neither namespace/pod-name, "
                    + "namespace/Kind/name nor an IP address");
        }
        String namespace = parts[0];
        if (parts.length == 3) {
            // a workload's pods: every pod of its template is the same to NetworkPolicy
            return targets.byKind(namespace, parts[1], parts[2])
                    .orElseThrow(() -> new InputException(describe() + ": no " + parts[1] + " " + namespace + "/"
                            + parts[2] + " in the cluster manifests"));
        }
        String name = parts[1];
        var pod = targets.pod(namespace, name);
        if (pod.isPresent()) {
            return pod.get();
        }
        List<PodEndpoint> workloads = targets.workloads(namespace, name);
        if (workloads.size() == 1) {
            return workloads.get(0);
        }
        if (workloads.size() > 1) {
            throw new InputException(describe() + ": " + text + " is ambiguous: name one of "
                    + String.join(", ", workloads.stream().map(PodEndpoint::displayName).toList()));
        }
        throw new InputException(describe() + ": no Pod " + text + " (nor a workload named " + name
                + ") in the cluster manifests");
    }

    private int portNumber(Endpoint destination, Protocol proto) {
        int value;
        if (port.isInt()) {
            value = port.asInt();
        } else if (port.asText().chars().allMatch(Character::isDigit)) {
            try {
                value = Integer.parseInt(port.asText());
            } catch (NumberFormatException e) {
                throw new InputException(describe() + ": port " + port.asText() + " is outside 1..65535");
            }
        } else {
            return namedPort(destination, proto, port.asText());
        }
        if (value < 1 || value > 65535) {
            throw new InputException(describe() + ": port " + value + " is outside 1..65535");
        }
        return value;
    }

    private int namedPort(Endpoint destination, Protocol proto, String name) {
        if (!(destination instanceof PodEndpoint pod)) {
            throw new InputException(describe() + ": named port '" + name + "' can only be resolved on a pod, and "
                    + to + " is an address");
        }
        ContainerPort declared = pod.namedPort(name, proto);
        if (declared == null) {
            throw new InputException(describe() + ": " + to + " declares no " + proto + " container port named '"
                    + name + "'");
        }
        return declared.number();
    }

    private String describe() {
        return "probe " + number + " (" + from + " -> " + to + ")";
    }
}
