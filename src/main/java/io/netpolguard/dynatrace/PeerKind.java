package io.netpolguard.dynatrace;

import java.util.Locale;

/** The far ends that are not Dynatrace pods (spec §2). */
public enum PeerKind {
    KUBE_APISERVER, CONTROL_PLANE, KUBE_DNS, DYNATRACE_API, REGISTRY, EDGECONNECT_API, SSO,
    /** The kubelets: the nodes' addresses. */
    KUBELET,
    /** The pods behind a DynaKube's proxy when the proxy is a Service of the cluster. */
    PROXY;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static PeerKind byId(String id) {
        for (PeerKind peer : values()) {
            if (peer.id().equals(id)) {
                return peer;
            }
        }
        return null;
    }
}
