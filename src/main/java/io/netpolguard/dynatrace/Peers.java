package io.netpolguard.dynatrace;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.dynatrace.RequiredFlows.Ends;
import io.netpolguard.dynatrace.RequiredFlows.Owner;
import io.netpolguard.dynatrace.RequiredFlows.PortSpec;
import io.netpolguard.dynatrace.RequiredFlows.Target;
import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.ExternalEndpoint;
import io.netpolguard.netpol.IpAddresses;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Resolves the peers of spec §2 (API server, control plane, DNS, tenant, registry, EdgeConnect hosts) to endpoints. */
final class Peers {
    static final int DEFAULT_APISERVER_PORT = 6443;
    private final DynatraceSettings settings;
    private final HostResolver resolver;

    Peers(DynatraceSettings settings, HostResolver resolver) {
        this.settings = settings;
        this.resolver = resolver;
    }

    Ends resolve(PeerKind peer, Owner owner, ClusterSnapshot snapshot, Components components) {
        return switch (peer) {
            case KUBE_APISERVER -> apiServer(snapshot);
            case CONTROL_PLANE -> controlPlane(snapshot);
            case KUBE_DNS -> kubeDns(components);
            case DYNATRACE_API -> dynatraceApi(owner.dynaKube());
            case REGISTRY -> host(peer, HostPort.registryOf(owner.dynaKube().codeModulesImage()),
                    "registry of codeModulesImage " + owner.dynaKube().codeModulesImage());
            case EDGECONNECT_API -> edgeConnectHost(peer, owner.edgeConnect(), owner.edgeConnect().apiServer(), "spec.apiServer");
            case SSO -> edgeConnectHost(peer, owner.edgeConnect(), owner.edgeConnect().oauthEndpoint(), "spec.oauth.endpoint");
        };
    }

    /** The API server as policies see it: the endpoint addresses and ports of Service default/kubernetes. */
    static List<Target> apiServerTargets(ClusterSnapshot snapshot) {
        List<Target> targets = new ArrayList<>();
        for (EndpointSlice slice : snapshot.endpointSlices()) {
            Map<String, String> labels = slice.getMetadata().getLabels();
            if (!"default".equals(namespace(slice.getMetadata().getNamespace())) || labels == null
                    || !"kubernetes".equals(labels.get("kubernetes.io/service-name")) || slice.getEndpoints() == null) {
                continue;
            }
            for (io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort port : slice.getPorts() == null
                    ? List.<io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort>of() : slice.getPorts()) {
                for (Endpoint endpoint : slice.getEndpoints()) {
                    for (String address : endpoint.getAddresses()) {
                        addApiServer(targets, address, port.getPort(), port.getProtocol());
                    }
                }
            }
        }
        if (!targets.isEmpty()) {
            return targets;
        }
        for (Endpoints endpoints : snapshot.endpoints()) {
            if (!"default".equals(namespace(endpoints.getMetadata().getNamespace()))
                    || !"kubernetes".equals(endpoints.getMetadata().getName()) || endpoints.getSubsets() == null) {
                continue;
            }
            for (EndpointSubset subset : endpoints.getSubsets()) {
                for (EndpointPort port : subset.getPorts() == null ? List.<EndpointPort>of() : subset.getPorts()) {
                    for (EndpointAddress address : subset.getAddresses() == null ? List.<EndpointAddress>of()
                            : subset.getAddresses()) {
                        addApiServer(targets, address.getIp(), port.getPort(), port.getProtocol());
                    }
                }
            }
        }
        return targets;
    }

    private static void addApiServer(List<Target> targets, String address, Integer port, String protocol) {
        var ip = IpAddresses.parse(address);
        if (ip.isEmpty() || port == null) {
            return;
        }
        targets.add(new Target(new FlowEnd(PeerKind.KUBE_APISERVER.id(), ExternalEndpoint.ofAddress(ip.get()), Map.of()),
                new PortSpec(Protocol.parse(protocol), port)));
    }

    private static String namespace(String namespace) {
        return namespace == null ? "default" : namespace;
    }

    private Ends apiServer(ClusterSnapshot snapshot) {
        List<Target> targets = apiServerTargets(snapshot);
        if (!targets.isEmpty()) {
            return new Ends(targets, null, List.of());
        }
        Target unknown = new Target(new FlowEnd(PeerKind.KUBE_APISERVER.id(),
                new ExternalEndpoint("kube-apiserver", List.of()), Map.of()), new PortSpec(Protocol.TCP, DEFAULT_APISERVER_PORT));
        return new Ends(List.of(unknown), null, List.of("the API server's endpoints are unknown (no EndpointSlice or "
                + "Endpoints of Service default/kubernetes); its address is unknown and port " + DEFAULT_APISERVER_PORT
                + " is assumed"));
    }

    private Ends controlPlane(ClusterSnapshot snapshot) {
        List<Target> targets = new ArrayList<>();
        for (Cidr cidr : settings.controlPlaneCidrs()) {
            // a range: every address of it may call the webhooks
            targets.add(new Target(new FlowEnd(PeerKind.CONTROL_PLANE.id(),
                    ExternalEndpoint.ofRange("control plane " + cidr, cidr), Map.of()), null));
        }
        if (!targets.isEmpty()) {
            return new Ends(targets, null, List.of());
        }
        for (Target apiServer : apiServerTargets(snapshot)) {
            targets.add(new Target(new FlowEnd(PeerKind.CONTROL_PLANE.id(), apiServer.end().endpoint(), Map.of()), null));
        }
        if (!targets.isEmpty()) {
            return new Ends(targets, null, List.of());
        }
        return new Ends(List.of(new Target(new FlowEnd(PeerKind.CONTROL_PLANE.id(),
                new ExternalEndpoint("control plane", List.of()), Map.of()), null)), null,
                List.of("the control plane's addresses are unknown (configure netpol-guard.control-plane.cidrs, or "
                        + "include the EndpointSlice of Service default/kubernetes)"));
    }

    private Ends kubeDns(Components components) {
        List<Target> targets = new ArrayList<>();
        List<PodEndpoint> pods = components.running(settings.dnsSelector(), settings.dnsNamespace());
        if (pods.isEmpty()) {
            pods = List.of(new PodEndpoint(PodEndpoint.EXPECTED, settings.dnsNamespace(), "kube-dns",
                    io.netpolguard.netpol.LabelSet.of(settings.dnsSelector()), List.of(), false, List.of()));
        }
        for (PodEndpoint pod : pods) {
            targets.add(new Target(new FlowEnd(PeerKind.KUBE_DNS.id(), pod, settings.dnsSelector()), null));
        }
        return new Ends(targets, null, List.of());
    }

    private Ends dynatraceApi(DynaKube dynaKube) {
        ProxySetting proxy = dynaKube.proxy();
        if (proxy != null) {
            if (proxy.fromSecret()) {
                return unverifiable("DynaKube " + dynaKube.id() + " takes its proxy from secret " + proxy.secretName()
                        + ", which the guard does not read; the proxy's address is unknown");
            }
            try {
                return host(PeerKind.DYNATRACE_API, HostPort.fromUrl(proxy.value(), "spec.proxy"), "proxy of DynaKube "
                        + dynaKube.id());
            } catch (IllegalArgumentException e) {
                return unverifiable("DynaKube " + dynaKube.id() + ": " + e.getMessage());
            }
        }
        if (dynaKube.apiUrl() == null) {
            return unverifiable("DynaKube " + dynaKube.id() + " has no readable spec.apiUrl");
        }
        return host(PeerKind.DYNATRACE_API, dynaKube.apiUrl(), "apiUrl of DynaKube " + dynaKube.id());
    }

    private Ends edgeConnectHost(PeerKind peer, EdgeConnect edgeConnect, HostPort target, String field) {
        if (edgeConnect.proxy() != null) {
            try {
                return host(peer, HostPort.fromUrl(edgeConnect.proxy().value(), "spec.proxy"),
                        "proxy of EdgeConnect " + edgeConnect.id());
            } catch (IllegalArgumentException e) {
                return unverifiable("EdgeConnect " + edgeConnect.id() + ": " + e.getMessage());
            }
        }
        if (target == null) {
            return unverifiable("EdgeConnect " + edgeConnect.id() + " has no readable " + field);
        }
        return host(peer, target, field + " of EdgeConnect " + edgeConnect.id());
    }

    private Ends host(PeerKind peer, HostPort hostPort, String what) {
        List<InetAddress> addresses = resolver.resolve(hostPort.host());
        ExternalEndpoint endpoint = new ExternalEndpoint(hostPort.host(), addresses);
        List<String> notes = addresses.isEmpty()
                ? List.of(hostPort.host() + " (" + what + ") could not be resolved; give its address with --host "
                        + hostPort.host() + "=IP (command line) or netpol-guard.hosts.\"" + hostPort.host() + "\"=IP (webhook)")
                : List.of();
        return new Ends(List.of(new Target(new FlowEnd(peer.id(), endpoint, Map.of()),
                new PortSpec(Protocol.TCP, hostPort.port()))), null, notes);
    }

    private static Ends unverifiable(String reason) {
        return new Ends(List.of(), reason, List.of());
    }
}
