package io.netpolguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.ManifestException;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.ExternalEndpoint;
import io.netpolguard.netpol.IpAddresses;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One line of a probes file, as written: from, to, port (number or name), protocol. */
public record Probe(String from, String to, JsonNode port, String protocol) {

    public static List<Probe> readAll(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputException(file + ": no such probes file");
        }
        List<Manifests.Document> documents;
        try {
            documents = Manifests.read(file);
        } catch (ManifestException e) {
            throw new InputException(e.getMessage().replace("expected a Kubernetes object", "expected a probe object"));
        }
        List<Probe> probes = new ArrayList<>();
        for (Manifests.Document document : documents) {
            JsonNode node = document.node();
            int number = probes.size() + 1;
            String from = text(node, "from", number);
            String to = text(node, "to", number);
            JsonNode port = node.get("port");
            if (port == null || !(port.isInt() || port.isTextual() && !port.asText().isBlank())) {
                throw new InputException("probe " + number + " (" + from + " -> " + to + "): port is missing or not a number or name");
            }
            String protocol;
            try {
                protocol = Protocol.parse(node.path("protocol").asText(null)).name();
            } catch (IllegalArgumentException e) {
                throw new InputException("probe " + number + " (" + from + " -> " + to + "): " + e.getMessage());
            }
            probes.add(new Probe(from, to, port, protocol));
        }
        return probes;
    }

    private static String text(JsonNode node, String field, int number) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InputException("probe " + number + ": '" + field + "' is missing (expected namespace/pod-name or an IP address)");
        }
        return value.asText().trim();
    }

    public Connection toConnection(ClusterSnapshot snapshot, int number) {
        Endpoint source = endpoint(from, snapshot, number);
        Endpoint destination = endpoint(to, snapshot, number);
        Protocol proto = Protocol.valueOf(protocol);
        return new Connection(source, destination, portNumber(destination, proto, number), proto);
    }

    private Endpoint endpoint(String text, ClusterSnapshot snapshot, int number) {
        var address = IpAddresses.parse(text);
        if (address.isPresent()) {
            // The address of a (non host-network) Pod is that Pod: its policies and labels apply.
            List<PodEndpoint> owners = snapshot.pods().all().stream()
                    .filter(p -> p.isPod() && !p.hostNetwork() && p.addresses().contains(address.get())).toList();
            return owners.size() == 1 ? owners.get(0) : ExternalEndpoint.ofAddress(address.get());
        }
        String[] parts = text.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || java.util.Arrays.stream(parts).anyMatch(String::isEmpty)) {
            throw new InputException(describe(number) + ": '" + text + "' is neither namespace/pod-name, "
                    + "namespace/Kind/name nor an IP address");
        }
        String namespace = parts[0];
        if (parts.length == 3) {
            // a workload's pods: every pod of its template is the same to NetworkPolicy
            return snapshot.pods().in(namespace).stream()
                    .filter(p -> p.kind().equals(parts[1]) && p.name().equals(parts[2])).findFirst()
                    .orElseThrow(() -> new InputException(describe(number) + ": no " + parts[1] + " " + namespace + "/"
                            + parts[2] + " in the cluster manifests"));
        }
        String name = parts[1];
        var pod = snapshot.pod(namespace, name);
        if (pod.isPresent()) {
            return pod.get();
        }
        List<PodEndpoint> workloads = snapshot.pods().in(namespace).stream()
                .filter(p -> !p.isPod() && p.name().equals(name)).toList();
        if (workloads.size() == 1) {
            return workloads.get(0);
        }
        if (workloads.size() > 1) {
            throw new InputException(describe(number) + ": " + text + " is ambiguous: name one of "
                    + String.join(", ", workloads.stream().map(PodEndpoint::displayName).toList()));
        }
        throw new InputException(describe(number) + ": no Pod " + text + " (nor a workload named " + name
                + ") in the cluster manifests");
    }

    private int portNumber(Endpoint destination, Protocol proto, int number) {
        if (port.isInt()) {
            int value = port.asInt();
            if (value < 1 || value > 65535) {
                throw new InputException(describe(number) + ": port " + value + " is outside 1..65535");
            }
            return value;
        }
        String name = port.asText();
        if (name.chars().allMatch(Character::isDigit)) {
            return portNumber(destination, proto, number, Integer.parseInt(name));
        }
        if (!(destination instanceof PodEndpoint pod)) {
            throw new InputException(describe(number) + ": named port '" + name + "' can only be resolved on a pod, and "
                    + to + " is an address");
        }
        ContainerPort declared = pod.namedPort(name, proto);
        if (declared == null) {
            throw new InputException(describe(number) + ": " + to + " declares no " + proto + " container port named '"
                    + name + "'");
        }
        return declared.number();
    }

    private int portNumber(Endpoint destination, Protocol proto, int number, int value) {
        if (value < 1 || value > 65535) {
            throw new InputException(describe(number) + ": port " + value + " is outside 1..65535");
        }
        return value;
    }

    private String describe(int number) {
        return "probe " + number + " (" + from + " -> " + to + ")";
    }
}
