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

    /**
     * @param source the component at the other end (the client), which decides whether a proxy is used
     */
    Ends resolve(PeerKind peer, Owner owner, ClusterSnapshot snapshot, Components components, Component source) {
        return switch (peer) {
            case KUBE_APISERVER -> apiServer(snapshot);
            case CONTROL_PLANE -> controlPlane(snapshot);
            case KUBE_DNS -> kubeDns(components);
            case DYNATRACE_API -> dynatraceApi(owner.dynaKube(), source, snapshot);
            case REGISTRY -> owner.edgeConnect() != null
                    ? host(peer, HostPort.registryOf(EdgeConnectImage.DEFAULT), "registry of the default EdgeConnect image "
                            + EdgeConnectImage.DEFAULT + ", which the operator checks for updates")
                    : codeModulesRegistry(peer, owner.dynaKube(), source, snapshot);
            case EDGECONNECT_API -> edgeConnectHost(peer, owner.edgeConnect(), owner.edgeConnect().apiServer(),
                    "spec.apiServer", source, snapshot);
            case SSO -> edgeConnectHost(peer, owner.edgeConnect(), owner.edgeConnect().oauthEndpoint(),
                    "spec.oauth.endpoint", source, snapshot);
            case KUBELET -> kubelets(snapshot);
            case PROXY -> proxyPods(owner.dynaKube(), snapshot);
        };
    }

    /** The registry of the DynaKube's codeModulesImage, through its proxy when it has one; unverifiable when unreadable. */
    private Ends codeModulesRegistry(PeerKind peer, DynaKube dynaKube, Component source, ClusterSnapshot snapshot) {
        HostPort registry;
        try {
            registry = HostPort.registryOf(dynaKube.codeModulesImage());
        } catch (IllegalArgumentException e) {
            return unverifiable("DynaKube " + dynaKube.id() + ": codeModulesImage '" + dynaKube.codeModulesImage()
                    + "' names no registry the guard can read (" + e.getMessage() + ")");
        }
        return viaProxy(peer, dynaKube, source, registry, "registry of codeModulesImage " + dynaKube.codeModulesImage(),
                snapshot);
    }

    /** The elements of a list read from an object that are there: none when the list is missing, never a null. */
    private static <T> List<T> present(List<T> list) {
        return list == null ? List.of() : list.stream().filter(java.util.Objects::nonNull).toList();
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
            for (io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort port : present(slice.getPorts())) {
                for (Endpoint endpoint : present(slice.getEndpoints())) {
                    for (String address : present(endpoint.getAddresses())) {
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
            for (EndpointSubset subset : present(endpoints.getSubsets())) {
                for (EndpointPort port : present(subset.getPorts())) {
                    for (EndpointAddress address : present(subset.getAddresses())) {
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

    private Ends dynatraceApi(DynaKube dynaKube, Component source, ClusterSnapshot snapshot) {
        if (dynaKube.apiUrl() == null) {
            return unverifiable("DynaKube " + dynaKube.id() + " has no readable spec.apiUrl");
        }
        return viaProxy(PeerKind.DYNATRACE_API, dynaKube, source, dynaKube.apiUrl(), "apiUrl of DynaKube " + dynaKube.id(),
                snapshot);
    }

    /** A host the component reaches through the DynaKube's proxy when it uses one, else directly. */
    private Ends viaProxy(PeerKind peer, DynaKube dynaKube, Component source, HostPort target, String what,
            ClusterSnapshot snapshot) {
        if (!ProxyUse.usesProxy(dynaKube, source, target.host())) {
            return host(peer, target, what);
        }
        ProxySetting proxy = dynaKube.proxy();
        if (proxy.fromSecret()) {
            return unverifiable("DynaKube " + dynaKube.id() + " takes its proxy from secret " + proxy.secretName()
                    + ", which the guard does not read; the proxy's address is unknown");
        }
        HostPort proxyHost;
        try {
            proxyHost = HostPort.fromUrl(proxy.value(), "spec.proxy");
        } catch (IllegalArgumentException e) {
            return unverifiable("DynaKube " + dynaKube.id() + ": " + e.getMessage());
        }
        var service = InClusterService.find(proxyHost, snapshot);
        Ends ends = service.isPresent() ? servicePods(peer, service.get(), snapshot, "proxy of DynaKube " + dynaKube.id())
                : host(peer, proxyHost, "proxy of DynaKube " + dynaKube.id());
        // say why the connection ends at the proxy: a policy must allow the proxy, not the host behind it
        List<String> notes = new ArrayList<>(ends.notes());
        notes.add("traffic to " + target.host() + " goes through the proxy of DynaKube " + dynaKube.id() + " ("
                + proxyHost.host() + ":" + proxyHost.port() + ", spec.proxy), so a policy must allow the proxy");
        return new Ends(ends.targets(), ends.unverifiable(), notes);
    }

    /** The pods behind a Service on its target port: where NetworkPolicy sees the traffic. */
    private static Ends servicePods(PeerKind peer, InClusterService service, ClusterSnapshot snapshot, String what) {
        if (service.port() == null) {
            return unverifiable(what + " is Service " + service.id() + ", which has no TCP port of that number");
        }
        List<PodEndpoint> pods = service.pods(snapshot);
        if (pods.isEmpty()) {
            return unverifiable(what + " is Service " + service.id() + ", which selects no pods the guard knows of");
        }
        List<Target> targets = new ArrayList<>();
        for (PodEndpoint pod : pods) {
            var port = service.targetPort(pod);
            if (port.isEmpty()) {
                return unverifiable(what + " is Service " + service.id() + ", whose target port "
                        + service.port().getTargetPort().getStrVal() + " is not declared by " + pod.displayName());
            }
            targets.add(new Target(new FlowEnd(peer.id(), pod, service.service().getSpec().getSelector()),
                    new PortSpec(Protocol.TCP, port.get())));
        }
        return new Ends(targets, null, List.of(what + " is Service " + service.id() + " (port " + service.port().getPort()
                + "); policies see its pods on the target port"));
    }

    /** The pods of an in-cluster proxy, as the source of its own flow to the tenant. */
    private Ends proxyPods(DynaKube dynaKube, ClusterSnapshot snapshot) {
        var service = ProxyUse.inClusterProxy(dynaKube, snapshot);
        if (service.isEmpty()) {
            return unverifiable("DynaKube " + dynaKube.id() + " has no proxy that is a Service of the cluster");
        }
        Ends pods = servicePods(PeerKind.PROXY, service.get(), snapshot, "the proxy of DynaKube " + dynaKube.id());
        return new Ends(pods.targets().stream().map(t -> new Target(t.end(), null)).toList(), pods.unverifiable(),
                pods.notes());
    }

    /** Every kubelet, at the nodes' addresses. */
    private static Ends kubelets(ClusterSnapshot snapshot) {
        ExternalEndpoint nodes = new ExternalEndpoint("the nodes (kubelets)", snapshot.nodeAddresses());
        List<String> notes = snapshot.nodeAddresses().isEmpty()
                ? List.of("the nodes' addresses are unknown (no Node objects and no pod with status.hostIP)")
                : List.of();
        return new Ends(List.of(new Target(new FlowEnd(PeerKind.KUBELET.id(), nodes, Map.of()), null)), null, notes);
    }

    /**
     * An EdgeConnect host. The EdgeConnect's pods use its proxy, unless the host is on its noProxy list
     * (edgeconnect/secret/secret.go); the operator's own calls ignore that proxy (edgeconnect/controller.go).
     */
    private Ends edgeConnectHost(PeerKind peer, EdgeConnect edgeConnect, HostPort target, String field, Component source,
            ClusterSnapshot snapshot) {
        if (target == null) {
            return unverifiable("EdgeConnect " + edgeConnect.id() + " has no readable " + field);
        }
        ProxySetting proxy = edgeConnect.proxy();
        if (proxy == null || source != Component.EDGECONNECT || proxy.noProxy().bypasses(target.host())) {
            return host(peer, target, field + " of EdgeConnect " + edgeConnect.id());
        }
        String what = "proxy of EdgeConnect " + edgeConnect.id();
        HostPort proxyHost;
        try {
            proxyHost = HostPort.fromUrl(proxy.value(), "spec.proxy");
        } catch (IllegalArgumentException e) {
            return unverifiable("EdgeConnect " + edgeConnect.id() + ": " + e.getMessage());
        }
        var service = InClusterService.find(proxyHost, snapshot);
        return service.isPresent() ? servicePods(peer, service.get(), snapshot, what) : host(peer, proxyHost, what);
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
