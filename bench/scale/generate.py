#!/usr/bin/env python3
"""Synthetic clusters and AdmissionReview requests for the netpol-guard scale benchmark.

Usage: generate.py [--out bench/scale/out] [--scales small,medium,large] [--seed 42]

Scales (pods / namespaces / NetworkPolicies, all included):
  small    1,000 /   100 /    100
  medium  10,000 /   100 /  1,000
  large  100,000 / 1,000 / 10,000
  (any other scale: NAME=PODS/NAMESPACES/POLICIES, e.g. --scales tiny=300/20/40)

For each scale OUT/<scale>/ receives:
  cluster/       manifests for the guard (NETPOL_GUARD_SERVER_MANIFESTS) and `check --cluster`:
                 one JSON `kind: List` per namespace (pods with status.podIP, NetworkPolicies),
                 namespaces, Service + EndpointSlice default/kubernetes, two DynaKubes
  api/           the same objects for a real API server, one request per line
                 (METHOD<TAB>PATH<TAB>CONTENT-TYPE<TAB>BODY), in load order: namespaces,
                 ServiceAccounts, pods (create), pod status (merge patch: podIP, phase, conditions),
                 NetworkPolicies, EndpointSlice, DynaKubes (after the CRD)
  requests/      AdmissionReview v1 request bodies (see REQUESTS below); name = <group>--<what>.json
  generated.json counts and the request list with the expected decision

The cluster: kube-system (CoreDNS `k8s-app=kube-dns`, kube-proxy and node-local pods), dynatrace
(operator, webhook, CSI driver DaemonSet, OneAgent DaemonSet in the host network, ActiveGate
StatefulSet, policies that allow every flow it needs), netpol-guard, monitoring, ingress-nginx,
two namespaces of fixed content (bench-20: 20 pods / 5 policies, bench-200: 200 pods / 20
policies; identical at every scale, for the "cost depends on the own namespace" comparison), one
big "hot" application namespace (3 % of the pods, 5 % of the policies) and application namespaces
of skewed sizes. Application pods come from Deployments (many pods per label set: app, tier, team,
version, app.kubernetes.io/*, pod-template-hash; 10 % of them mid-rollout with two hashes) and
StatefulSets (one label set per pod). Namespaces carry team/env labels and
dynatrace.com/monitoring=fullstack (70 %) or appmon (20 %), selected by the DynaKubes `dynakube`
(cloudNativeFullStack, ActiveGate routing + kubernetes-monitoring) and `appmon`
(applicationMonitoring). Policies per namespace, in this order as far as its quota goes:
default-deny, allow-dns, allow-dynatrace (ActiveGate 9999, tenant 443), allow-same-namespace,
ingress from ingress-nginx, prometheus scraping, then per application allow rules (ingress by
tier, egress to data, partner namespaces by team, internet by ipBlock with excepts, port ranges).

Standard library only; deterministic for a given seed.
"""
import argparse
import copy
import ipaddress
import json
import os
import random
import shutil
import sys

SCALES = {
    "small": (1_000, 100, 100),
    "medium": (10_000, 100, 1_000),
    "large": (100_000, 1_000, 10_000),
}
NAME_LABEL = "kubernetes.io/metadata.name"
TENANT = "abc12345.live.dynatrace.com"
API_SERVER_ENDPOINT = "172.18.0.2"
OPERATOR_IMAGE = "public.ecr.aws/dynatrace/dynatrace-operator:v1.10.2"
TEAMS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
ENVS = ["prod", "staging", "dev"]
WORDS = ["checkout", "cart", "catalog", "search", "payments", "users", "orders", "inventory", "shipping", "email",
         "recommend", "ads", "auth", "gateway", "reports", "billing", "pricing", "reviews", "media", "notify",
         "ledger", "fraud", "quotes", "profile", "session", "export", "import", "audit", "metrics", "feeds"]
ROLES = [  # role, tier, ports, weight
    ("web", "frontend", [("http", 8080, "TCP"), ("metrics", 9100, "TCP")], 3),
    ("api", "backend", [("http", 8080, "TCP"), ("grpc", 9000, "TCP"), ("metrics", 9100, "TCP")], 5),
    ("worker", "worker", [("metrics", 9100, "TCP")], 3),
    ("db", "data", [("postgres", 5432, "TCP"), ("metrics", 9187, "TCP")], 1),
    ("cache", "data", [("redis", 6379, "TCP")], 1),
]
HASH_CHARS = "bcdfghjklmnpqrstvwxz2456789"
PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]


class Ips:
    """Sequential pod addresses from a CIDR."""

    def __init__(self, cidr):
        self.net = ipaddress.ip_network(cidr)
        self.next = int(self.net.network_address) + 1

    def take(self):
        while True:
            ip = ipaddress.ip_address(self.next)
            self.next += 1
            if ip not in self.net:
                raise SystemExit("address pool exhausted")
            if ip.packed[-1] not in (0, 255):
                return str(ip)


class Cluster:
    def __init__(self, name, pods, namespaces, policies, seed):
        self.name = name
        self.target_pods, self.target_namespaces, self.target_policies = pods, namespaces, policies
        self.rnd = random.Random(f"{seed}-{name}")
        self.seed = seed
        self.nodes = max(4, pods // 100)
        self.node_ips = [str(ipaddress.ip_address("172.18.1.0") + 1 + i) for i in range(self.nodes)]
        self.pod_ips = Ips("10.64.0.0/12")
        self.namespaces = {}  # name -> labels
        self.pods = {}  # namespace -> [pod]
        self.policies = {}  # namespace -> [policy]
        self.workloads = {}  # namespace -> [workload dict] (apps, for policies and requests)
        self.extra = []  # Service, EndpointSlice, DynaKubes
        self.requests = []  # (name, body, expected)

    # --- helpers ---------------------------------------------------------------------------
    def h(self, rnd, n=10):
        return "".join(rnd.choice(HASH_CHARS) for _ in range(n))

    def add_namespace(self, name, labels=None):
        all_labels = {NAME_LABEL: name}
        all_labels.update(labels or {})
        self.namespaces[name] = all_labels
        self.pods.setdefault(name, [])
        self.policies.setdefault(name, [])
        self.workloads.setdefault(name, [])

    def node(self, rnd):
        i = rnd.randrange(self.nodes)
        return f"node-{i:04d}", self.node_ips[i]

    def pod(self, namespace, name, labels, containers, ip, node, host_network=False, owner=None):
        pod = {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "labels": labels},
            "spec": {
                "nodeName": node[0],
                "containers": containers,
                "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
                "enableServiceLinks": False,
            },
            "status": {
                "phase": "Running", "hostIP": node[1], "hostIPs": [{"ip": node[1]}],
                "podIP": ip, "podIPs": [{"ip": ip}], "qosClass": "Burstable",
                "startTime": "2026-11-20T08:00:00Z",
                "conditions": [{"type": t, "status": "True", "lastTransitionTime": "2026-11-20T08:00:05Z"}
                               for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady",
                                         "PodScheduled")],
                "containerStatuses": [{"name": c["name"], "image": c["image"], "imageID": "", "ready": True,
                                       "restartCount": 0, "started": True,
                                       "state": {"running": {"startedAt": "2026-11-20T08:00:04Z"}}}
                                      for c in containers],
            },
        }
        if host_network:
            pod["spec"]["hostNetwork"] = True
            pod["spec"]["dnsPolicy"] = "ClusterFirstWithHostNet"
        if owner:
            pod["metadata"]["ownerReferences"] = [owner]
        self.pods[namespace].append(pod)
        return pod

    @staticmethod
    def container(name, image, ports, rnd=None):
        c = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent",
             "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
             "env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "OTEL_SERVICE_NAME", "value": name}]}
        if ports:
            c["ports"] = [{"name": n, "containerPort": p, "protocol": proto} for n, p, proto in ports]
        return c

    def policy(self, namespace, name, spec, annotations=None):
        p = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
             "metadata": {"name": name, "namespace": namespace}, "spec": spec}
        if annotations:
            p["metadata"]["annotations"] = annotations
        return p

    def add_policy(self, namespace, name, spec):
        p = self.policy(namespace, name, spec)
        self.policies[namespace].append(p)
        return p

    # --- system namespaces ---------------------------------------------------------------
    def system(self):
        rnd = self.rnd
        self.add_namespace("kube-system")
        self.add_namespace("default")
        self.add_namespace("kube-public")
        self.add_namespace("kube-node-lease")
        self.add_namespace("dynatrace", {"app.kubernetes.io/part-of": "dynatrace"})
        self.add_namespace("netpol-guard")
        self.add_namespace("monitoring", {"team": "platform"})
        self.add_namespace("ingress-nginx", {"team": "platform"})

        h = self.h(rnd)
        for i in range(2):
            self.pod("kube-system", f"coredns-{h}-{self.h(rnd, 5)}", {"k8s-app": "kube-dns", "pod-template-hash": h},
                     [self.container("coredns", "registry.k8s.io/coredns/coredns:v1.11.1",
                                     [("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")])],
                     self.pod_ips.take(), self.node(rnd))
        h = self.h(rnd)
        self.pod("kube-system", f"metrics-server-{h}-{self.h(rnd, 5)}", {"k8s-app": "metrics-server", "pod-template-hash": h},
                 [self.container("metrics-server", "registry.k8s.io/metrics-server/metrics-server:v0.7.1",
                                 [("https", 10250, "TCP")])], self.pod_ips.take(), self.node(rnd))
        rev = self.h(rnd, 10)
        for i in range(self.nodes):
            node = (f"node-{i:04d}", self.node_ips[i])
            self.pod("kube-system", f"kube-proxy-{self.h(rnd, 5)}",
                     {"k8s-app": "kube-proxy", "controller-revision-hash": rev, "pod-template-generation": "1"},
                     [self.container("kube-proxy", "registry.k8s.io/kube-proxy:v1.37.2", [])], node[1], node, True)

        # the Dynatrace Operator (Helm defaults) and the components of DynaKube "dynakube"
        op = {"app.kubernetes.io/name": "dynatrace-operator", "app.kubernetes.io/version": "1.10.2"}
        h = self.h(rnd)
        self.pod("dynatrace", f"dynatrace-operator-{h}-{self.h(rnd, 5)}",
                 {**op, "app.kubernetes.io/component": "operator", "pod-template-hash": h},
                 [self.container("operator", OPERATOR_IMAGE, [("livez", 10080, "TCP"), ("metrics", 8080, "TCP")])],
                 self.pod_ips.take(), self.node(rnd))
        h = self.h(rnd)
        for i in range(2):
            self.pod("dynatrace", f"dynatrace-webhook-{h}-{self.h(rnd, 5)}",
                     {**op, "app.kubernetes.io/component": "webhook", "internal.dynatrace.com/app": "webhook",
                      "internal.dynatrace.com/component": "webhook", "pod-template-hash": h},
                     [self.container("webhook", OPERATOR_IMAGE, [("server-port", 8443, "TCP"), ("livez", 10080, "TCP"),
                                                                 ("metrics", 8383, "TCP")])],
                     self.pod_ips.take(), self.node(rnd))
        rev = self.h(rnd)
        oarev = self.h(rnd)
        for i in range(self.nodes):
            node = (f"node-{i:04d}", self.node_ips[i])
            self.pod("dynatrace", f"dynatrace-oneagent-csi-driver-{self.h(rnd, 5)}",
                     {**op, "app.kubernetes.io/component": "csi-driver", "internal.oneagent.dynatrace.com/app": "csi-driver",
                      "controller-revision-hash": rev, "pod-template-generation": "1"},
                     [self.container("server", OPERATOR_IMAGE, [("healthz", 9808, "TCP"), ("livez", 10090, "TCP")]),
                      self.container("provisioner", OPERATOR_IMAGE, []),
                      self.container("registrar", "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.11.1", [])],
                     self.pod_ips.take(), node)
            self.pod("dynatrace", f"dynakube-oneagent-{self.h(rnd, 5)}",
                     {"app.kubernetes.io/name": "oneagent", "app.kubernetes.io/created-by": "dynakube",
                      "app.kubernetes.io/managed-by": "dynatrace-operator", "component.dynatrace.com/feature": "oneagent",
                      "controller-revision-hash": oarev, "pod-template-generation": "3"},
                     [self.container("dynatrace-oneagent", "public.ecr.aws/dynatrace/dynatrace-oneagent:1.311", [])],
                     node[1], node, True)
        rev = self.h(rnd)
        for i in range(2):
            self.pod("dynatrace", f"dynakube-activegate-{i}",
                     {"app.kubernetes.io/name": "activegate", "app.kubernetes.io/created-by": "dynakube",
                      "app.kubernetes.io/managed-by": "dynatrace-operator", "app.kubernetes.io/component": "activegate",
                      "controller-revision-hash": rev, "statefulset.kubernetes.io/pod-name": f"dynakube-activegate-{i}"},
                     [self.container("activegate", "public.ecr.aws/dynatrace/dynatrace-activegate:1.311",
                                     [("https", 9999, "TCP"), ("http", 9998, "TCP")])],
                     self.pod_ips.take(), self.node(rnd))
        h = self.h(rnd)
        for i in range(2):
            self.pod("netpol-guard", f"netpol-guard-{h}-{self.h(rnd, 5)}",
                     {"app.kubernetes.io/name": "netpol-guard", "pod-template-hash": h},
                     [self.container("netpol-guard", "netpol-guard:0.1.0", [("https", 8443, "TCP"), ("http", 8080, "TCP")])],
                     self.pod_ips.take(), self.node(rnd))
        h = self.h(rnd)
        for i in range(2):
            self.pod("monitoring", f"prometheus-{i}", {"app.kubernetes.io/name": "prometheus", "controller-revision-hash": h,
                                                      "statefulset.kubernetes.io/pod-name": f"prometheus-{i}"},
                     [self.container("prometheus", "quay.io/prometheus/prometheus:v2.53.0", [("web", 9090, "TCP")])],
                     self.pod_ips.take(), self.node(rnd))
        rev = self.h(rnd)
        for i in range(self.nodes):
            node = (f"node-{i:04d}", self.node_ips[i])
            self.pod("monitoring", f"node-exporter-{self.h(rnd, 5)}",
                     {"app.kubernetes.io/name": "node-exporter", "controller-revision-hash": rev},
                     [self.container("node-exporter", "quay.io/prometheus/node-exporter:v1.8.1", [("metrics", 9100, "TCP")])],
                     node[1], node, True)
        h = self.h(rnd)
        for i in range(3):
            self.pod("ingress-nginx", f"ingress-nginx-controller-{h}-{self.h(rnd, 5)}",
                     {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller",
                      "pod-template-hash": h},
                     [self.container("controller", "registry.k8s.io/ingress-nginx/controller:v1.11.1",
                                     [("http", 80, "TCP"), ("https", 443, "TCP")])], self.pod_ips.take(), self.node(rnd))

        # policies of the operator namespace: default deny, then what the operator needs
        dns_peer = {"namespaceSelector": {"matchLabels": {NAME_LABEL: "kube-system"}},
                    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}
        self.add_policy("dynatrace", "default-deny", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]})
        self.add_policy("dynatrace", "allow-dns", {"podSelector": {}, "policyTypes": ["Egress"], "egress": [
            {"to": [dns_peer], "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]})
        self.add_policy("dynatrace", "allow-apiserver", {"podSelector": {}, "policyTypes": ["Egress"], "egress": [
            {"to": [{"ipBlock": {"cidr": f"{API_SERVER_ENDPOINT}/32"}}], "ports": [{"protocol": "TCP", "port": 6443}]}]})
        self.add_policy("dynatrace", "allow-tenant", {"podSelector": {}, "policyTypes": ["Egress"], "egress": [
            {"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": PRIVATE}}], "ports": [{"protocol": "TCP", "port": 443}]}]})
        self.add_policy("dynatrace", "allow-webhook-from-control-plane", {
            "podSelector": {"matchLabels": {"app.kubernetes.io/component": "webhook"}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"ipBlock": {"cidr": "172.18.0.0/16"}}], "ports": [{"protocol": "TCP", "port": 8443}]}]})
        self.add_policy("dynatrace", "allow-activegate-from-apps", {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": "activegate"}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": {}}], "ports": [{"protocol": "TCP", "port": 9999}]}]})
        self.add_policy("dynatrace", "allow-metrics-from-monitoring", {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": "dynatrace-operator"}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {NAME_LABEL: "monitoring"}}}],
                         "ports": [{"protocol": "TCP", "port": "metrics"}]}]})
        self.add_policy("dynatrace", "allow-csi-probes", {
            "podSelector": {"matchLabels": {"app.kubernetes.io/component": "csi-driver"}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"ipBlock": {"cidr": "172.18.0.0/16"}}], "ports": [{"protocol": "TCP", "port": 9808},
                                                                                      {"protocol": "TCP", "port": 10090}]}]})
        self.add_policy("monitoring", "default-deny-ingress", {"podSelector": {}, "policyTypes": ["Ingress"]})
        self.add_policy("monitoring", "allow-prometheus-web", {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "platform"}}}],
                         "ports": [{"protocol": "TCP", "port": 9090}]}]})
        self.add_policy("ingress-nginx", "default-deny-ingress", {"podSelector": {}, "policyTypes": ["Ingress"]})
        self.add_policy("ingress-nginx", "allow-http-from-anywhere", {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": "ingress-nginx"}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"protocol": "TCP", "port": 80},
                                                                                  {"protocol": "TCP", "port": 443}]}]})
        self.add_policy("netpol-guard", "allow-webhook-from-control-plane", {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": "netpol-guard"}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"ipBlock": {"cidr": "172.18.0.0/16"}}], "ports": [{"protocol": "TCP", "port": 8443}]}]})
        self.add_policy("netpol-guard", "allow-metrics-from-monitoring", {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": "netpol-guard"}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {NAME_LABEL: "monitoring"}}}],
                         "ports": [{"protocol": "TCP", "port": 8080}]}]})

        # the API server as policies see it, and the DynaKubes
        self.extra.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kubernetes", "namespace": "default",
                                                                               "labels": {"component": "apiserver",
                                                                                          "provider": "kubernetes"}},
                           "spec": {"clusterIP": "10.96.0.1", "type": "ClusterIP",
                                    "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}})
        self.extra.append(endpoint_slice())
        self.dynakubes = [dynakube_cnfs(), dynakube_appmon()]
        self.extra.extend(self.dynakubes)

    # --- application namespaces ----------------------------------------------------------
    def app_namespace(self, name, pods, quota, rnd, ips, labels):
        self.add_namespace(name, labels)
        team = labels["team"]
        used_names = set()
        made = 0
        apps = []
        while made < pods:
            role, tier, ports, _ = rnd.choices(ROLES, weights=[r[3] for r in ROLES])[0]
            word = rnd.choice(WORDS)
            app = f"{word}-{role}"
            k = 2
            while app in used_names:
                app = f"{word}{k}-{role}"
                k += 1
            used_names.add(app)
            left = pods - made
            base = {"app": app, "tier": tier, "team": team, "app.kubernetes.io/name": app,
                    "app.kubernetes.io/instance": f"{app}-{name}", "app.kubernetes.io/part-of": word}
            owner_uid = None
            if role == "db":
                replicas = min(left, rnd.choice([1, 1, 2, 3]))
                rev = self.h(rnd)
                for i in range(replicas):
                    self.pod(name, f"{app}-{i}", {**base, "version": "v1", "controller-revision-hash": f"{app}-{rev}",
                                                   "statefulset.kubernetes.io/pod-name": f"{app}-{i}"},
                             [self.container(role, f"registry.example.com/{team}/{app}:1.0", ports)], ips.take(),
                             self.node(rnd))
            else:
                replicas = min(left, rnd.choice([1, 2, 2, 3, 3, 3, 4, 5, 6, 8, 10, 12]))
                version = rnd.randint(1, 9)
                hashes = [(self.h(rnd), version)]
                if replicas >= 2 and rnd.random() < 0.10:  # a rollout in progress: two ReplicaSets
                    hashes.append((self.h(rnd), version + 1))
                for i in range(replicas):
                    h, v = hashes[i % len(hashes)]
                    self.pod(name, f"{app}-{h}-{self.h(rnd, 5)}", {**base, "version": f"v{v}", "pod-template-hash": h},
                             [self.container(role, f"registry.example.com/{team}/{app}:1.{v}", ports)], ips.take(),
                             self.node(rnd))
            made += replicas
            apps.append({"app": app, "role": role, "tier": tier, "ports": ports})
        self.workloads[name] = apps
        for p in self.app_policies(name, apps, quota, rnd):
            self.policies[name].append(p)

    def app_policies(self, ns, apps, quota, rnd):
        dns_peer = {"namespaceSelector": {"matchLabels": {NAME_LABEL: "kube-system"}},
                    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}
        base = []
        if quota >= 3:
            base.append(("default-deny", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}))
            base.append(("allow-dns", {"podSelector": {}, "policyTypes": ["Egress"], "egress": [
                {"to": [dns_peer], "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]}))
            base.append(("allow-dynatrace", {"podSelector": {}, "policyTypes": ["Egress"], "egress": [
                {"to": [{"namespaceSelector": {"matchLabels": {NAME_LABEL: "dynatrace"}},
                         "podSelector": {"matchLabels": {"app.kubernetes.io/name": "activegate"}}}],
                 "ports": [{"protocol": "TCP", "port": 9999}]},
                {"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": PRIVATE}}], "ports": [{"protocol": "TCP", "port": 443}]}]}))
        else:
            base.append(("default-deny-ingress", {"podSelector": {}, "policyTypes": ["Ingress"]}))
        base.append(("allow-same-namespace", {"podSelector": {}, "policyTypes": ["Ingress"],
                                              "ingress": [{"from": [{"podSelector": {}}]}]}))
        base.append(("allow-from-ingress-nginx", {
            "podSelector": {"matchLabels": {"tier": "frontend"}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {NAME_LABEL: "ingress-nginx"}},
                                   "podSelector": {"matchLabels": {"app.kubernetes.io/name": "ingress-nginx"}}}],
                         "ports": [{"protocol": "TCP", "port": "http"}]}]}))
        base.append(("allow-prometheus", {
            "podSelector": {}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {NAME_LABEL: "monitoring"}},
                                   "podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}}}],
                         "ports": [{"protocol": "TCP", "port": "metrics"}]}]}))
        out = [self.policy(ns, n, s) for n, s in base[:quota]]
        k = 0
        while len(out) < quota:
            app = apps[k % len(apps)] if apps else {"app": f"gone{k}", "role": "api", "tier": "backend", "ports": []}
            variant = (k // max(1, len(apps))) % 5
            rnd_team = rnd.choice(TEAMS)
            sel = {"matchLabels": {"app": app["app"]}}
            port = app["ports"][0][1] if app["ports"] else 8080
            suffix = "" if k < 5 * max(1, len(apps)) else f"-{k // (5 * max(1, len(apps)))}"
            if variant == 0:
                name, spec = f"allow-{app['app']}-ingress", {"podSelector": sel, "policyTypes": ["Ingress"], "ingress": [
                    {"from": [{"podSelector": {"matchExpressions": [{"key": "tier", "operator": "In",
                                                                      "values": ["frontend", "backend"]}]}}],
                     "ports": [{"protocol": "TCP", "port": app["ports"][0][0] if app["ports"] else 8080}]}]}
            elif variant == 1:
                name, spec = f"allow-{app['app']}-to-data", {"podSelector": sel, "policyTypes": ["Egress"], "egress": [
                    {"to": [{"podSelector": {"matchLabels": {"tier": "data"}}}],
                     "ports": [{"protocol": "TCP", "port": 5432}, {"protocol": "TCP", "port": 6379}]}]}
            elif variant == 2:
                name, spec = f"allow-{app['app']}-from-{rnd_team}", {"podSelector": sel, "policyTypes": ["Ingress"], "ingress": [
                    {"from": [{"namespaceSelector": {"matchLabels": {"team": rnd_team}},
                               "podSelector": {"matchLabels": {"tier": "backend"}}}],
                     "ports": [{"protocol": "TCP", "port": port}]}]}
            elif variant == 3:
                name, spec = f"allow-{app['app']}-internet", {"podSelector": sel, "policyTypes": ["Egress"], "egress": [
                    {"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": PRIVATE + ["169.254.169.254/32"]}}],
                     "ports": [{"protocol": "TCP", "port": 443}, {"protocol": "TCP", "port": 8000, "endPort": 8100}]}]}
            else:
                name, spec = f"allow-{app['app']}-partners", {
                    "podSelector": {"matchLabels": {"app": app["app"]},
                                    "matchExpressions": [{"key": "canary", "operator": "DoesNotExist"}]},
                    "policyTypes": ["Ingress", "Egress"],
                    "ingress": [{"from": [{"namespaceSelector": {"matchExpressions": [
                        {"key": "env", "operator": "In", "values": ["prod", "staging"]},
                        {"key": "team", "operator": "NotIn", "values": [rnd_team]}]}}],
                        "ports": [{"protocol": "TCP", "port": port}]}],
                    "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"team": rnd_team}}}],
                                "ports": [{"protocol": "TCP", "port": 8080}, {"protocol": "TCP", "port": 9000}]}]}
            out.append(self.policy(ns, name + suffix, spec))
            k += 1
        return out

    def build(self):
        self.system()
        fixed_pods = sum(len(p) for p in self.pods.values())
        fixed_policies = sum(len(p) for p in self.policies.values())
        # bench-20 and bench-200: identical at every scale (own random stream, own address range)
        for size, quota in ((20, 5), (200, 20)):
            rnd = random.Random(f"{self.seed}-bench-{size}")
            ips = Ips(f"10.250.{size // 20}.0/24" if size < 200 else "10.251.0.0/22")
            self.app_namespace(f"bench-{size}", size, quota, rnd, ips,
                               {"team": "alpha", "env": "prod", "dynatrace.com/monitoring": "fullstack"})
        hot_pods = max(20, self.target_pods * 3 // 100)
        hot_quota = max(10, self.target_policies * 5 // 100)
        self.app_namespace("hot-app", hot_pods, hot_quota, self.rnd, self.pod_ips,
                           {"team": "alpha", "env": "prod", "dynatrace.com/monitoring": "fullstack"})
        n_apps = self.target_namespaces - len(self.namespaces)
        pods_left = self.target_pods - fixed_pods - 220 - hot_pods
        policies_left = self.target_policies - fixed_policies - 25 - hot_quota
        if n_apps < 1 or pods_left < n_apps or policies_left < 0:
            raise SystemExit(f"scale {self.name} too small for its fixed namespaces")
        rnd = self.rnd
        weights = [rnd.lognormvariate(0, 0.8) for _ in range(n_apps)]
        pods_per = distribute(pods_left, weights, minimum=1)
        # policies: only part of the namespaces have any when there are fewer policies than namespaces
        pol_weights = [w if rnd.random() < min(1.0, 3 * policies_left / n_apps) else 0 for w in weights]
        if sum(pol_weights) == 0:
            pol_weights = weights
        pols_per = distribute(policies_left, pol_weights, minimum=0)
        for i in range(n_apps):
            team = TEAMS[i % len(TEAMS)]
            r = rnd.random()
            labels = {"team": team, "env": ENVS[i % 3]}
            if r < 0.7:
                labels["dynatrace.com/monitoring"] = "fullstack"
            elif r < 0.9:
                labels["dynatrace.com/monitoring"] = "appmon"
            name = f"{team}-{WORDS[i % len(WORDS)]}-{i:04d}"
            self.app_namespace(name, pods_per[i], pols_per[i], rnd, self.pod_ips, labels)
        return self

    # --- requests ------------------------------------------------------------------------
    def make_requests(self):
        rnd = random.Random(f"{self.seed}-{self.name}-requests")

        def np_req(group, what, op, obj=None, old=None, expected=""):
            ref = obj or old
            self.requests.append((f"{group}--{what}", review("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies",
                                                             ref["metadata"]["namespace"], ref["metadata"]["name"], op,
                                                             obj, old, rnd), expected))

        def find(ns, name):
            return next(p for p in self.policies[ns] if p["metadata"]["name"] == name)

        # hot: the operator namespace
        np_req("hot-dynatrace", "create-harmless", "CREATE", self.policy("dynatrace", "allow-operator-metrics-2", {
            "podSelector": {"matchLabels": {"app.kubernetes.io/component": "operator"}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "platform"}}}],
                         "ports": [{"protocol": "TCP", "port": 8080}]}]}), expected="allow")
        old = find("dynatrace", "allow-dns")
        new = copy.deepcopy(old)
        new["spec"]["egress"][0]["ports"] = [{"protocol": "UDP", "port": 5353}]
        np_req("hot-dynatrace", "update-allow-dns-wrong-port", "UPDATE", new, old, expected="deny")
        np_req("hot-dynatrace", "delete-allow-apiserver", "DELETE", old=find("dynatrace", "allow-apiserver"), expected="deny")
        old = find("dynatrace", "allow-activegate-from-apps")
        new = copy.deepcopy(old)
        new["spec"]["ingress"][0]["from"] = [{"namespaceSelector": {"matchLabels": {"team": "alpha"}}}]
        np_req("hot-dynatrace", "update-activegate-narrow", "UPDATE", new, old, expected="warn")
        np_req("hot-dynatrace", "create-default-deny-egress", "CREATE", self.policy("dynatrace", "default-deny-egress", {
            "podSelector": {}, "policyTypes": ["Egress"]}), expected="allow")
        # a default-deny that would be denied: kube-system has no policy, kube-dns becomes unreachable
        np_req("kube-system", "create-default-deny-ingress", "CREATE", self.policy("kube-system", "default-deny-ingress", {
            "podSelector": {}, "policyTypes": ["Ingress"]}), expected="deny")

        # the big application namespace and the fixed-size ones
        for ns in ("hot-app", "bench-20", "bench-200"):
            self.ns_requests(ns, np_req, find, rnd)
        # cold: small application namespaces
        apps = [n for n in self.namespaces if self.workloads.get(n) and n not in ("hot-app", "bench-20", "bench-200")]
        with_policies = [n for n in apps if len(self.policies[n]) >= 4] or [n for n in apps if self.policies[n]]
        without = [n for n in apps if not self.policies[n] and self.namespaces[n].get("dynatrace.com/monitoring") == "fullstack"]
        for ns in rnd.sample(with_policies, min(3, len(with_policies))):
            self.ns_requests(ns, np_req, find, rnd, group="cold")
        if without:
            ns = rnd.choice(without)
            np_req("cold", f"{ns}--create-default-deny-egress", "CREATE", self.policy(ns, "default-deny-egress", {
                "podSelector": {}, "policyTypes": ["Egress"]}), expected="warn")

        # DynaKube updates (whole-cluster derivation)
        cnfs, appmon = self.dynakubes
        new = copy.deepcopy(cnfs)
        new["spec"]["oneAgent"]["cloudNativeFullStack"]["codeModulesImage"] = "registry.example.com/dynatrace/codemodules:1.311"
        self.requests.append(("dynakube--update-cnfs-code-modules-image",
                              review("DynaKube", "dynatrace.com", "v1beta6", "dynakubes", "dynatrace", "dynakube", "UPDATE",
                                     new, cnfs, rnd), "warn"))
        new = copy.deepcopy(appmon)
        new["spec"]["oneAgent"]["applicationMonitoring"]["namespaceSelector"] = {
            "matchExpressions": [{"key": "dynatrace.com/monitoring", "operator": "In", "values": ["appmon", "fullstack"]}]}
        self.requests.append(("dynakube--update-appmon-namespace-selector",
                              review("DynaKube", "dynatrace.com", "v1beta6", "dynakubes", "dynatrace", "appmon", "UPDATE",
                                     new, appmon, rnd), "warn"))

        # Namespace label changes (which DynaKube monitors a namespace decides the flows its apps need)
        def ns_req(what, name, labels, expected):
            old = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": self.namespaces[name]}}
            new = copy.deepcopy(old)
            new["metadata"]["labels"] = labels
            self.requests.append((f"namespace--{what}", review("Namespace", "", "v1", "namespaces", None, name, "UPDATE",
                                                                new, old, rnd), expected))
        hot = self.namespaces["hot-app"]
        ns_req("hot-app-add-cost-center", "hot-app", dict(hot, **{"cost-center": "cc-42"}), "allow")
        monitored = sorted(n for n in apps if self.namespaces[n].get("dynatrace.com/monitoring") == "fullstack")
        unmonitored = sorted(n for n in apps if "dynatrace.com/monitoring" not in self.namespaces[n])
        if monitored:
            name = rnd.choice(monitored)
            labels = {k: v for k, v in self.namespaces[name].items() if k != "dynatrace.com/monitoring"}
            ns_req("stop-monitoring", name, labels, "allow")
        if unmonitored:
            name = rnd.choice(unmonitored)
            ns_req("start-fullstack-monitoring", name, dict(self.namespaces[name], **{"dynatrace.com/monitoring": "fullstack"}),
                   "allow")

        # EdgeConnect: a new one in the operator's namespace (its flows are derived alone)
        edge = {"apiVersion": "dynatrace.com/v1alpha2", "kind": "EdgeConnect",
                "metadata": {"name": "edge", "namespace": "dynatrace"},
                "spec": {"apiServer": "abc12345.apps.dynatrace.com",
                         "oauth": {"clientSecret": "edge-oauth", "endpoint": "https://sso.dynatrace.com/sso/oauth2/token",
                                   "resource": "urn:dtenvironment:abc12345"}}}
        self.requests.append(("edgeconnect--create", review("EdgeConnect", "dynatrace.com", "v1alpha2", "edgeconnects",
                                                           "dynatrace", "edge", "CREATE", edge, None, rnd), "warn"))

    def ns_requests(self, ns, np_req, find, rnd, group=None):
        group = group or ns
        what = lambda w: w if group == ns else f"{ns}--{w}"  # noqa: E731
        apps = self.workloads[ns]
        app = apps[0]["app"]
        np_req(group, what("create-harmless"), "CREATE", self.policy(ns, f"allow-{app}-from-gateway", {
            "podSelector": {"matchLabels": {"app": app}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {"matchLabels": {"tier": "frontend"}}}],
                         "ports": [{"protocol": "TCP", "port": 8080}]}]}), expected="allow")
        pols = self.policies[ns]
        target = pols[len(pols) // 2] if len(pols) > 6 else pols[-1]
        new = copy.deepcopy(target)
        new["metadata"]["labels"] = {"reviewed": "true"}
        spec = new["spec"]
        if spec.get("ingress"):
            spec["ingress"][0].setdefault("ports", []).append({"protocol": "TCP", "port": 8443})
        elif spec.get("egress"):
            spec["egress"][0].setdefault("ports", []).append({"protocol": "TCP", "port": 8443})
        np_req(group, what("update"), "UPDATE", new, target, expected="allow")
        if any(p["metadata"]["name"] == "allow-dynatrace" for p in pols):
            np_req(group, what("delete-allow-dynatrace"), "DELETE", old=find(ns, "allow-dynatrace"), expected="warn")
        else:
            np_req(group, what("delete"), "DELETE", old=pols[-1], expected="allow")

    # --- output --------------------------------------------------------------------------
    def write(self, out):
        root = os.path.join(out, self.name)
        if os.path.exists(root):
            shutil.rmtree(root)
        for d in ("cluster/namespaces", "api", "requests"):
            os.makedirs(os.path.join(root, d))
        ns_objects = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n, "labels": labels}}
                      for n, labels in self.namespaces.items()]
        write_json(os.path.join(root, "cluster", "00-namespaces.json"), as_list(ns_objects))
        write_json(os.path.join(root, "cluster", "10-control-plane-and-dynakubes.json"), as_list(self.extra))
        for ns in self.namespaces:
            items = self.pods[ns] + self.policies[ns]
            if items:
                write_json(os.path.join(root, "cluster", "namespaces", f"{ns}.json"), as_list(items))

        # the API server's view, in load order
        builtin = {"kube-system", "default", "kube-public", "kube-node-lease"}
        with open(os.path.join(root, "api", "01-namespaces.ndjson"), "w") as f:
            for o in ns_objects:
                if o["metadata"]["name"] not in builtin:
                    line(f, "POST", "/api/v1/namespaces", o)
        with open(os.path.join(root, "api", "02-serviceaccounts.ndjson"), "w") as f:
            for ns in self.namespaces:  # no controller manager: every namespace needs its "default" by hand
                line(f, "POST", f"/api/v1/namespaces/{ns}/serviceaccounts",
                         {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": ns}})
        with open(os.path.join(root, "api", "03-pods.ndjson"), "w") as f, \
                open(os.path.join(root, "api", "04-pod-status.ndjson"), "w") as g:
            for ns, pods in self.pods.items():
                for pod in pods:
                    body = {k: v for k, v in pod.items() if k != "status"}
                    line(f, "POST", f"/api/v1/namespaces/{ns}/pods", body)
                    line(g, "PATCH", f"/api/v1/namespaces/{ns}/pods/{pod['metadata']['name']}/status",
                         {"status": pod["status"]}, "application/merge-patch+json")
        with open(os.path.join(root, "api", "05-networkpolicies.ndjson"), "w") as f:
            for ns, pols in self.policies.items():
                for p in pols:
                    line(f, "POST", f"/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies", p)
        with open(os.path.join(root, "api", "06-endpointslices.ndjson"), "w") as f:
            line(f, "POST", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", endpoint_slice())
        with open(os.path.join(root, "api", "07-dynakubes.ndjson"), "w") as f:
            for dk in self.dynakubes:
                line(f, "POST", "/apis/dynatrace.com/v1beta6/namespaces/dynatrace/dynakubes", dk)

        for name, body, expected in self.requests:
            write_json(os.path.join(root, "requests", f"{name}.json"), body, indent=1)
        pods_total = sum(len(p) for p in self.pods.values())
        label_sets = set()
        for ns, pods in self.pods.items():
            for p in pods:
                label_sets.add((ns, tuple(sorted(p["metadata"]["labels"].items()))))
        summary = {
            "scale": self.name, "namespaces": len(self.namespaces), "pods": pods_total,
            "hostNetworkPods": sum(1 for ps in self.pods.values() for p in ps if p["spec"].get("hostNetwork")),
            "labelSets": len(label_sets), "nodes": self.nodes,
            "networkPolicies": sum(len(p) for p in self.policies.values()),
            "dynaKubes": len(self.dynakubes),
            "namespacePods": {n: len(self.pods[n]) for n in ("dynatrace", "kube-system", "hot-app", "bench-20", "bench-200")},
            "namespacePolicies": {n: len(self.policies[n]) for n in ("dynatrace", "hot-app", "bench-20", "bench-200")},
            "largestAppNamespacePods": max(len(self.pods[n]) for n in self.workloads if self.workloads[n]),
            "requests": {name: expected for name, _, expected in self.requests},
        }
        write_json(os.path.join(root, "generated.json"), summary, indent=2)
        return summary


def distribute(total, weights, minimum):
    """Integers >= minimum summing to total, proportional to weights."""
    n = len(weights)
    base = [minimum] * n
    rest = total - minimum * n
    s = sum(weights) or 1
    shares = [rest * w / s for w in weights]
    out = [b + int(x) for b, x in zip(base, shares)]
    remainder = total - sum(out)
    order = sorted(range(n), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    for i in order[:remainder]:
        out[i] += 1
    return out


def endpoint_slice():
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"kubernetes.io/service-name": "kubernetes"}},
            "addressType": "IPv4", "endpoints": [{"addresses": [API_SERVER_ENDPOINT]}],
            "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}


def dynakube_cnfs():
    return {"apiVersion": "dynatrace.com/v1beta6", "kind": "DynaKube", "metadata": {"name": "dynakube", "namespace": "dynatrace"},
            "spec": {"apiUrl": f"https://{TENANT}/api",
                     "oneAgent": {"cloudNativeFullStack": {
                         "namespaceSelector": {"matchLabels": {"dynatrace.com/monitoring": "fullstack"}}}},
                     "activeGate": {"capabilities": ["routing", "kubernetes-monitoring"]}}}


def dynakube_appmon():
    return {"apiVersion": "dynatrace.com/v1beta6", "kind": "DynaKube", "metadata": {"name": "appmon", "namespace": "dynatrace"},
            "spec": {"apiUrl": f"https://{TENANT}/api",
                     "oneAgent": {"applicationMonitoring": {
                         "namespaceSelector": {"matchLabels": {"dynatrace.com/monitoring": "appmon"}}}}}}


def review(kind, group, version, resource, namespace, name, op, obj, old, rnd):
    uid = "%08x-%04x-4%03x-8%03x-%012x" % (rnd.getrandbits(32), rnd.getrandbits(16), rnd.getrandbits(12),
                                           rnd.getrandbits(12), rnd.getrandbits(48))
    review = {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
        "uid": uid, "kind": {"group": group, "version": version, "kind": kind},
        "resource": {"group": group, "version": version, "resource": resource},
        "requestKind": {"group": group, "version": version, "kind": kind},
        "requestResource": {"group": group, "version": version, "resource": resource},
        "namespace": namespace, "name": name, "operation": op,
        "userInfo": {"username": "alice", "uid": "4b5e0c7a", "groups": ["developers", "system:authenticated"]},
        "object": obj, "oldObject": old, "dryRun": False,
        "options": {"apiVersion": "meta.k8s.io/v1", "kind": op.capitalize() + "Options"}}}
    if namespace is None:  # cluster-scoped: the API server sends no namespace
        del review["request"]["namespace"]
    return review


def as_list(items):
    return {"apiVersion": "v1", "kind": "List", "items": items}


def write_json(path, value, indent=None):
    with open(path, "w") as f:
        json.dump(value, f, indent=indent, separators=None if indent else (",", ":"))
        f.write("\n")


def line(f, method, path, body, content_type="application/json"):
    f.write(f"{method}\t{path}\t{content_type}\t{json.dumps(body, separators=(',', ':'))}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "out"))
    parser.add_argument("--scales", default="small,medium,large")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    for spec in args.scales.split(","):
        if "=" in spec:
            name, sizes = spec.split("=", 1)
            pods, namespaces, policies = (int(x) for x in sizes.split("/"))
        else:
            name = spec
            pods, namespaces, policies = SCALES[name]
        cluster = Cluster(name, pods, namespaces, policies, args.seed).build()
        cluster.make_requests()
        s = cluster.write(args.out)
        print(f"{name}: {s['namespaces']} namespaces, {s['pods']} pods ({s['labelSets']} label sets, "
              f"{s['hostNetworkPods']} host-network), {s['networkPolicies']} NetworkPolicies, {len(s['requests'])} requests "
              f"-> {os.path.join(args.out, name)}", file=sys.stderr)


if __name__ == "__main__":
    main()
