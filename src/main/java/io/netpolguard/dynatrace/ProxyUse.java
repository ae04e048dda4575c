package io.netpolguard.dynatrace;

import io.netpolguard.cluster.ClusterSnapshot;
import java.util.Optional;

/**
 * Which components send their tenant and registry traffic through a DynaKube's {@code spec.proxy}:
 * the operator and the CSI driver (pkg/clients/dynatrace/client.go, pkg/util/oci/registry/client.go), the
 * ActiveGate unless {@code activegate-ignore-proxy} (pkg/controllers/dynakube/proxy), OneAgents and code
 * modules unless {@code oneagent-ignore-proxy} (oneagent/daemonset/arguments.go,
 * bootstrapperconfig/pmc.go), log monitoring (logmonitoring/configsecret) and the OTel collector
 * (otelc/statefulset/env.go). Hosts on the {@code no-proxy} list are reached directly.
 */
final class ProxyUse {

    private ProxyUse() {
    }

    static boolean usesProxy(DynaKube dynaKube, Component source, String host) {
        if (dynaKube.proxy() == null || dynaKube.featureFlags().bypassesProxy(host)) {
            return false;
        }
        if (source == null) {
            return false; // the proxy itself
        }
        return switch (source) {
            case OPERATOR, CSI_DRIVER, LOGMONITORING, OTEL_COLLECTOR -> true;
            case ACTIVEGATE -> !dynaKube.featureFlags().activeGateIgnoresProxy();
            case ONEAGENT, MONITORED_APPS -> !dynaKube.featureFlags().oneAgentIgnoresProxy();
            default -> false;
        };
    }

    /** The Service a DynaKube's literal proxy URL names, when it is one of the cluster. */
    static Optional<InClusterService> inClusterProxy(DynaKube dynaKube, ClusterSnapshot snapshot) {
        if (dynaKube.proxy() == null || dynaKube.proxy().fromSecret()) {
            return Optional.empty();
        }
        try {
            return InClusterService.find(HostPort.fromUrl(dynaKube.proxy().value(), "spec.proxy"), snapshot);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
