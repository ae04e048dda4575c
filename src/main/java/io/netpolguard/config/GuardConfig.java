package io.netpolguard.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every setting of the guard, under {@code netpol-guard.*}; the README's configuration table lists them. */
@ConfigMapping(prefix = "netpol-guard")
public interface GuardConfig {

    /** enforce, warn or off. */
    @WithDefault("enforce")
    String mode();

    /** Mode for DynaKube changes (warn by default). */
    @WithName("dynakube-mode")
    @WithDefault("warn")
    String dynaKubeMode();

    /** Mode for EdgeConnect changes (warn by default). */
    @WithName("edgeconnect-mode")
    @WithDefault("warn")
    String edgeConnectMode();

    /** Per flow id: {@code netpol-guard.flows."operator->kube-dns".mode=warn}, {@code .severity=warning}. */
    Map<String, FlowOverride> flows();

    Operator operator();

    @WithName("kube-dns")
    KubeDns kubeDns();

    @WithName("control-plane")
    ControlPlane controlPlane();

    Self self();

    Resolver resolver();

    /** Addresses of host names: {@code netpol-guard.hosts."abc.live.dynatrace.com"=203.0.113.10}. */
    Map<String, String> hosts();

    Server server();

    Reports reports();

    /**
     * Publishing the background audit as wgpolicyk8s.io/v1alpha2 PolicyReports: off by default (it needs write access
     * to those reports, k8s/base/optional/policy-reports); only the holder of a Lease writes.
     */
    interface Reports {
        @WithDefault("false")
        boolean enabled();

        /** The Lease in the guard's namespace ({@code netpol-guard.self.namespace}) that elects the one writer. */
        @WithName("lease-name")
        @WithDefault("netpol-guard-reports")
        String leaseName();

        /** This replica's name in the Lease; unset: the HOSTNAME variable (the pod's name), else the host name. */
        Optional<String> identity();

        /** How long a Lease holds without renewal before another replica may take it. */
        @WithName("lease-duration")
        @WithDefault("15s")
        Duration leaseDuration();

        /** How long the holder keeps trying to renew before it stops writing; shorter than the lease duration. */
        @WithName("renew-deadline")
        @WithDefault("10s")
        Duration renewDeadline();

        /** How often the Lease is renewed, and tried by the other replicas. */
        @WithName("retry-period")
        @WithDefault("2s")
        Duration retryPeriod();
    }

    /** How the webhook server gets its view of the cluster and audits it. */
    interface Server {
        /** auto (the cluster when a kubeconfig or service account is present, else manifests), cluster or manifests. */
        @WithDefault("auto")
        String source();

        /** Manifest files or directories for source=manifests (and auto without a cluster). */
        @WithDefault("k8s/examples")
        List<String> manifests();

        /** How often every required flow is re-evaluated against the live state (metrics and GET /flows). */
        @WithName("audit-interval")
        @WithDefault("60s")
        Duration auditInterval();

        /** How long after a cluster change the snapshot is rebuilt (changes in between are batched). */
        @WithName("snapshot-delay")
        @WithDefault("100ms")
        Duration snapshotDelay();

        /**
         * How long an informer may be without a watch (API server restart, network cut, RBAC revoked, a CRD version
         * no longer served) before the guard stops judging from its stale state: readiness turns false and changes are
         * allowed with a warning until the watch is back.
         */
        @WithName("stale-grace")
        @WithDefault("30s")
        Duration staleGrace();
    }

    interface FlowOverride {
        Optional<String> mode();

        Optional<String> severity();
    }

    interface Operator {
        /** Unset: the namespace of the operator's pods, else of the DynaKubes and EdgeConnects, else dynatrace. */
        Optional<String> namespace();

        @WithName("webhook-port")
        @WithDefault("8443")
        int webhookPort();

        /** Pod selectors as {@code key=value,key=value}, per component: operator, webhook, csi-driver. */
        Map<String, String> selectors();
    }

    interface KubeDns {
        @WithDefault("kube-system")
        String namespace();

        @WithDefault("k8s-app=kube-dns")
        String selector();
    }

    interface ControlPlane {
        /** Where API server calls to webhooks come from; empty = the API server's endpoint addresses. */
        Optional<List<String>> cidrs();
    }

    /** The guard's own pods, for the flow control-plane->netpol-guard. */
    interface Self {
        @WithDefault("netpol-guard")
        String namespace();

        @WithDefault("app.kubernetes.io/name=netpol-guard")
        String selector();

        @WithDefault("8443")
        int port();
    }

    interface Resolver {
        /** Whether host names not given in netpol-guard.hosts are looked up in DNS. */
        @WithDefault("true")
        boolean dns();

        @WithDefault("2s")
        Duration timeout();
    }
}
