#!/usr/bin/env python3
"""Writes a synthetic cluster for timing `netpol-guard probe`.

Usage: generate-probe-cluster.py [OUT_DIR] [--namespaces 50] [--pods 1000] [--policies 1000]
                                 [--probes 100000] [--seed 42]

OUT_DIR (default bench/out/) receives:
  cluster/namespaces.yaml          Namespaces with team/env/tier labels
  cluster/<namespace>/pods.yaml    Pods with labels, status.podIP(s) and named container ports
  cluster/<namespace>/policies.yaml  default-deny, allow-dns and allow policies with podSelectors,
                                   matchExpressions, namespaceSelectors, ipBlocks (with except),
                                   numbered, ranged and named ports
  probes.yaml                      {from, to, port, protocol} probes: pod-to-pod (same and other
                                   namespace), pod-to-IP and IP-to-pod, numbered and named ports;
                                   a mix of allowed and blocked; one YAML document per probe
  generated.txt                    what was generated (counts)

Standard library only; deterministic for a given seed.
"""
import argparse
import json
import os
import random
import sys

NAME_LABEL = "kubernetes.io/metadata.name"
SYSTEM = ["kube-system", "monitoring", "ingress-nginx"]
TEAMS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
ROLES = [  # (app suffix, tier, ports)
    ("frontend", "frontend", [("http", 8080, "TCP"), ("metrics", 9100, "TCP")]),
    ("api", "backend", [("http", 8080, "TCP"), ("grpc", 9000, "TCP"), ("metrics", 9100, "TCP")]),
    ("worker", "worker", [("metrics", 9100, "TCP")]),
    ("db", "data", [("postgres", 5432, "TCP"), ("metrics", 9187, "TCP")]),
    ("cache", "data", [("redis", 6379, "TCP")]),
]
EXTERNAL_IPS = ["8.8.8.8", "1.1.1.1", "52.94.236.248", "140.82.112.3", "151.101.1.69", "10.0.0.1", "172.16.5.4",
                "192.168.1.10", "203.0.113.7", "2001:4860:4860::8888"]


# --- a minimal YAML emitter (block style; strings double-quoted, which is valid YAML) ---

def scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)


def emit(value, indent=0):
    pad = "  " * indent
    lines = []
    if isinstance(value, dict):
        if not value:
            return [pad + "{}"]
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:")
                lines.extend(emit(item, indent + 1))
            elif isinstance(item, dict):
                lines.append(f"{pad}{key}: {{}}")
            elif isinstance(item, list):
                lines.append(f"{pad}{key}: []")
            else:
                lines.append(f"{pad}{key}: {scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            sub = emit(item, indent + 1)
            first = sub[0].lstrip()
            lines.append(f"{pad}- {first}")
            lines.extend(sub[1:])
    else:
        lines.append(pad + scalar(value))
    return lines


def write_docs(path, docs):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        for doc in docs:
            f.write("---\n")
            f.write("\n".join(emit(doc)))
            f.write("\n")


# --- cluster model ---

class Pod:
    def __init__(self, ns, name, labels, ip, ip6, ports):
        self.ns, self.name, self.labels, self.ip, self.ip6, self.ports = ns, name, labels, ip, ip6, ports

    def manifest(self):
        status = {"phase": "Running", "podIP": self.ip, "podIPs": [{"ip": self.ip}]}
        if self.ip6:
            status["podIPs"].append({"ip": self.ip6})
        return {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": self.name, "namespace": self.ns, "labels": self.labels},
            "spec": {"containers": [{
                "name": "main", "image": "registry.example/" + self.labels.get("app", "app") + ":1.0",
                "ports": [{"name": n, "containerPort": p, "protocol": proto} for n, p, proto in self.ports],
            }]},
            "status": status,
        }


def sel(match_labels=None, expressions=None):
    s = {}
    if match_labels:
        s["matchLabels"] = match_labels
    if expressions:
        s["matchExpressions"] = [
            {"key": k, "operator": op, **({"values": v} if v else {})} for k, op, v in expressions]
    return s


def peer(pods=None, namespaces=None):
    p = {}
    if pods is not None:
        p["podSelector"] = pods
    if namespaces is not None:
        p["namespaceSelector"] = namespaces
    return p


def ip_block(cidr, *except_):
    b = {"cidr": cidr}
    if except_:
        b["except"] = list(except_)
    return {"ipBlock": b}


def port(p, proto="TCP", end=None):
    d = {"protocol": proto, "port": p}
    if end:
        d["endPort"] = end
    return d


def netpol(ns, name, pod_selector, types, ingress=None, egress=None):
    spec = {"podSelector": pod_selector, "policyTypes": types}
    if ingress is not None:
        spec["ingress"] = ingress
    if egress is not None:
        spec["egress"] = egress
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": ns}, "spec": spec}


def namespace_names(count):
    apps = [f"{TEAMS[i % len(TEAMS)]}-{['shop', 'billing', 'search', 'auth', 'media', 'ledger'][i % 6]}-{i}"
            for i in range(count - len(SYSTEM))]
    return SYSTEM + apps


def build(args):
    rnd = random.Random(args.seed)
    names = namespace_names(args.namespaces)
    namespaces = []
    ns_labels = {}
    for i, ns in enumerate(names):
        labels = {"team": "platform" if ns in SYSTEM else ns.split("-")[0],
                  "env": "prod" if i % 3 else "staging"}
        if ns in SYSTEM:
            labels["tier"] = "system"
        ns_labels[ns] = dict(labels, **{NAME_LABEL: ns})
        namespaces.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": labels}})

    # Pods: spread evenly; app namespaces get the five roles round-robin, system namespaces their own apps.
    pods_by_ns = {ns: [] for ns in names}
    per_ns = [args.pods // len(names) + (1 if i < args.pods % len(names) else 0) for i in range(len(names))]
    for i, ns in enumerate(names):
        for j in range(per_ns[i]):
            ip = f"10.{100 + i // 250}.{i % 250}.{j + 10}"
            ip6 = f"fd00:10:{i:x}::{j + 10:x}" if j % 4 == 0 else None
            h = f"{rnd.getrandbits(40):010x}"[:10]
            if ns == "kube-system":
                app, tier, ports = ("coredns", "system", [("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"),
                                                          ("metrics", 9153, "TCP")])
                labels = {"k8s-app": "kube-dns" if j < 4 else f"kube-addon-{j}", "tier": tier}
            elif ns == "monitoring":
                app = "prometheus" if j < 4 else ("grafana" if j < 8 else "node-exporter")
                labels = {"app": app, "tier": "system"}
                ports = [("web", 9090, "TCP"), ("metrics", 9100, "TCP")]
            elif ns == "ingress-nginx":
                labels = {"app": "ingress-nginx", "tier": "edge"}
                ports = [("http", 80, "TCP"), ("https", 443, "TCP"), ("metrics", 10254, "TCP")]
            else:
                role, tier, ports = ROLES[j % len(ROLES)]
                labels = {"app": role, "tier": tier, "team": ns_labels[ns]["team"],
                          "version": f"v{1 + j % 3}"}
                if j % 7 == 3:
                    labels["canary"] = "true"
            labels = dict(labels, **{"pod-template-hash": h})
            pods_by_ns[ns].append(Pod(ns, f"{labels.get('app', labels.get('k8s-app'))}-{h}-{j}", labels, ip, ip6, ports))

    # Policies: per namespace, the useful ones first, then filler until the count is reached.
    per_ns_pol = [args.policies // len(names) + (1 if i < args.policies % len(names) else 0) for i in range(len(names))]
    policies_by_ns = {}
    app_namespaces = [n for n in names if n not in SYSTEM]
    for i, ns in enumerate(names):
        team = ns_labels[ns]["team"]
        partner_team = TEAMS[(TEAMS.index(team) + 1) % len(TEAMS)] if team in TEAMS else "alpha"
        client_team = TEAMS[(TEAMS.index(team) - 1) % len(TEAMS)] if team in TEAMS else "alpha"
        useful = []
        if ns != "kube-system" and i % 10 != 7:  # a few namespaces stay open (not isolated)
            useful.append(netpol(ns, "default-deny", {}, ["Ingress", "Egress"]))
        useful.append(netpol(ns, "allow-dns", {}, ["Egress"], egress=[{
            "to": [peer(sel({"k8s-app": "kube-dns"}), sel({NAME_LABEL: "kube-system"}))],
            "ports": [port(53, "UDP"), port(53, "TCP")]}]))
        useful.append(netpol(ns, "allow-prometheus-scrape", {}, ["Ingress"], ingress=[{
            "from": [peer(sel({"app": "prometheus"}), sel({NAME_LABEL: "monitoring"}))],
            "ports": [port("metrics"), port(9100), port(9153)]}]))
        if ns == "monitoring":
            useful.append(netpol(ns, "prometheus-scrapes-everything", sel({"app": "prometheus"}), ["Egress"],
                                 egress=[{"to": [peer(sel(), sel())]}]))
            useful.append(netpol(ns, "grafana-from-ingress", sel({"app": "grafana"}), ["Ingress"], ingress=[{
                "from": [peer(None, sel({NAME_LABEL: "ingress-nginx"}))], "ports": [port(3000)]}]))
        elif ns == "ingress-nginx":
            useful.append(netpol(ns, "ingress-from-anywhere", sel({"app": "ingress-nginx"}), ["Ingress"], ingress=[{
                "from": [ip_block("0.0.0.0/0"), ip_block("::/0")], "ports": [port("http"), port("https")]}]))
            useful.append(netpol(ns, "ingress-to-frontends", sel({"app": "ingress-nginx"}), ["Egress"], egress=[{
                "to": [peer(sel(None, [("tier", "In", ["frontend"])]), sel(None, [("tier", "NotIn", ["system"])]))],
                "ports": [port("http")]}]))
        elif ns != "kube-system":
            useful += [
                netpol(ns, "frontend-from-ingress", sel({"app": "frontend"}), ["Ingress"], ingress=[{
                    "from": [peer(sel({"app": "ingress-nginx"}), sel({NAME_LABEL: "ingress-nginx"}))],
                    "ports": [port("http")]}]),
                netpol(ns, "frontend-to-api", sel({"app": "frontend"}), ["Egress"], egress=[
                    {"to": [peer(sel({"app": "api"}))], "ports": [port(8080), port(9000)]},
                    {"to": [peer(sel({"app": "api"}), sel({"team": partner_team}))], "ports": [port(8080)]}]),
                netpol(ns, "api-from-frontends", sel({"app": "api"}, [("canary", "DoesNotExist", None)]), ["Ingress"],
                       ingress=[
                           {"from": [peer(sel(None, [("tier", "In", ["frontend", "edge"])]))], "ports": [port("http")]},
                           {"from": [peer(sel({"app": "frontend"}),
                                          sel({"team": client_team}))],
                            "ports": [port("http"), port("grpc")]}]),
                netpol(ns, "api-to-data", sel({"app": "api"}), ["Egress"], egress=[
                    {"to": [peer(sel({"app": "db"})), peer(sel({"app": "cache"}))],
                     "ports": [port(5432), port(6379, end=6380)]}]),
                netpol(ns, "data-from-api", sel(None, [("tier", "In", ["data"])]), ["Ingress"], ingress=[
                    {"from": [peer(sel({"app": "api"})), peer(sel({"app": "worker"}))],
                     "ports": [port("postgres"), port("redis")]}]),
                netpol(ns, "worker-egress", sel({"app": "worker"}), ["Egress"], egress=[
                    {"to": [ip_block("0.0.0.0/0", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")],
                     "ports": [port(443)]},
                    {"to": [peer(sel(None, [("tier", "In", ["data"])]))], "ports": [port(5432), port(6379)]},
                    {"to": [peer(sel({"app": "api"}), sel(None, [("env", "In", ["prod"]),
                                                                 ("tier", "DoesNotExist", None)]))],
                     "ports": [port(8080)]}]),
                netpol(ns, "api-egress-partners", sel({"app": "api", "version": "v2"}), ["Egress"], egress=[
                    {"to": [peer(sel({"app": "api"}), sel({"team": partner_team}))], "ports": [port(8080)]},
                    {"to": [ip_block("52.94.0.0/16"), ip_block("140.82.112.0/20")], "ports": [port(443)]}]),
            ]
        filler = []
        k = 0
        while len(useful) + len(filler) < per_ns_pol[i]:
            # Policies for apps that have no pods here (left over from removed services) and for canaries.
            if k % 3 == 2:
                filler.append(netpol(ns, f"canary-lockdown-{k}", sel({"canary": "true"}, [("version", "In", ["v3"])]),
                                     ["Ingress"], ingress=[{"from": [peer(sel({"app": f"tester-{k}"}))]}]))
            else:
                filler.append(netpol(ns, f"legacy-svc-{k}", sel({"app": f"legacy-{k}"},
                                                                [("tier", "In", ["backend", "worker"])]),
                                     ["Ingress", "Egress"],
                                     ingress=[{"from": [peer(sel({"app": f"legacy-client-{k}"}),
                                                             sel(None, [("team", "In", TEAMS[:3])])),
                                                        ip_block(f"10.{200 + k % 50}.0.0/16", f"10.{200 + k % 50}.1.0/24")],
                                               "ports": [port(7000 + k), port("grpc")]}],
                                     egress=[{"to": [peer(sel({"app": f"legacy-db-{k}"}))], "ports": [port(5432)]}]))
            k += 1
        # interleave so useful policies are not all at the front
        merged = useful[:1] + filler[: len(filler) // 2] + useful[1:] + filler[len(filler) // 2:]
        policies_by_ns[ns] = merged[: per_ns_pol[i]] if len(merged) > per_ns_pol[i] else merged

    # Probes: about half follow the flows the policies are written for (most allowed, some not:
    # canaries, staging, wrong port), half are random pairs and addresses (mostly blocked).
    all_pods = [p for ns in names for p in pods_by_ns[ns]]
    app_pods = [p for ns in app_namespaces for p in pods_by_ns[ns]]
    by_app = {}
    for p in all_pods:
        by_app.setdefault((p.ns, p.labels.get("app", p.labels.get("k8s-app"))), []).append(p)
    team_ns = {}
    for ns in app_namespaces:
        team_ns.setdefault(ns_labels[ns]["team"], []).append(ns)

    def pick(ns, app):
        return rnd.choice(by_app.get((ns, app)) or pods_by_ns[ns] or all_pods)

    def ref(p):
        return f"{p.ns}/{p.name}"

    def named_or_number(p, name):
        for n, number, proto in p.ports:
            if n == name:
                return (n if rnd.random() < 0.5 else number), proto
        n, number, proto = rnd.choice(p.ports)
        return number, proto

    probes = []
    kinds = {}

    def add(kind, src, dst, port_, proto="TCP"):
        kinds[kind] = kinds.get(kind, 0) + 1
        probes.append({"from": src if isinstance(src, str) else ref(src),
                       "to": dst if isinstance(dst, str) else ref(dst), "port": port_, "protocol": proto})

    for _ in range(args.probes):
        r = rnd.random()
        ns = rnd.choice(app_namespaces)
        if r < 0.10:
            dst = pick(ns, "api")
            add("frontend-to-api", pick(ns, "frontend"), dst, *named_or_number(dst, "http"))
        elif r < 0.16:
            dst = pick(ns, rnd.choice(["db", "cache"]))
            add("api-to-data", pick(ns, "api"), dst, *named_or_number(dst, rnd.choice(["postgres", "redis"])))
        elif r < 0.22:
            src = pick(ns, "frontend")
            partner = TEAMS[(TEAMS.index(ns_labels[ns]["team"]) + 1) % len(TEAMS)]
            dst = pick(rnd.choice(team_ns.get(partner, app_namespaces)), "api")
            add("frontend-to-partner-api", src, dst, 8080)
        elif r < 0.28:
            add("to-dns", rnd.choice(all_pods), pick("kube-system", "kube-dns"), 53, rnd.choice(["UDP", "TCP"]))
        elif r < 0.33:
            dst = rnd.choice(all_pods)
            add("prometheus-scrape", pick("monitoring", "prometheus"), dst, *named_or_number(dst, "metrics"))
        elif r < 0.37:
            dst = pick(ns, "frontend")
            add("ingress-to-frontend", pick("ingress-nginx", "ingress-nginx"), dst, *named_or_number(dst, "http"))
        elif r < 0.40:
            add("internet-to-ingress", rnd.choice(EXTERNAL_IPS), pick("ingress-nginx", "ingress-nginx"),
                rnd.choice(["https", 443, 80]))
        elif r < 0.47:
            add("pod-to-ip", rnd.choice([pick(ns, "worker"), pick(ns, "api"), rnd.choice(all_pods)]),
                rnd.choice(EXTERNAL_IPS), rnd.choice([443, 443, 80, 53]))
        elif r < 0.52:
            dst = rnd.choice(all_pods)
            add("ip-to-pod", rnd.choice(EXTERNAL_IPS), dst, *named_or_number(dst, "http"))
        elif r < 0.75:
            src = rnd.choice(app_pods)
            dst = rnd.choice(pods_by_ns[src.ns])
            number = rnd.choice([22, 8443, 6380]) if rnd.random() < 0.15 else None
            add("random-same-namespace", src, dst, *((number, "TCP") if number else named_or_number(dst, "http")))
        else:
            src, dst = rnd.choice(all_pods), rnd.choice(all_pods)
            add("random-any", src, dst, *named_or_number(dst, "http"))
    return names, namespaces, pods_by_ns, policies_by_ns, probes, kinds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("out", nargs="?", default=os.path.join(here, "out"))
    parser.add_argument("--namespaces", type=int, default=50)
    parser.add_argument("--pods", type=int, default=1000)
    parser.add_argument("--policies", type=int, default=1000)
    parser.add_argument("--probes", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if args.namespaces <= len(SYSTEM):
        parser.error(f"--namespaces must be more than {len(SYSTEM)}")

    names, namespaces, pods_by_ns, policies_by_ns, probes, kinds = build(args)
    cluster = os.path.join(args.out, "cluster")
    if os.path.isdir(cluster):
        for root, _, files in os.walk(cluster):
            for f in files:
                if f.endswith(".yaml"):
                    os.remove(os.path.join(root, f))
    write_docs(os.path.join(cluster, "namespaces.yaml"), namespaces)
    for ns in names:
        write_docs(os.path.join(cluster, ns, "pods.yaml"), [p.manifest() for p in pods_by_ns[ns]])
        if policies_by_ns[ns]:
            write_docs(os.path.join(cluster, ns, "policies.yaml"), policies_by_ns[ns])
    # One YAML document per probe ("--- {json}"). Builds before commit 47d3242 refused a single
    # document over 3 MB (SnakeYAML's codePointLimit; a 100,000-probe JSON list is 11 MB) and read
    # only the first list of a multi-document file; this form works with every build.
    stale = os.path.join(args.out, "probes.json")
    if os.path.exists(stale):
        os.remove(stale)
    with open(os.path.join(args.out, "probes.yaml"), "w") as f:
        for p in probes:
            f.write("--- ")
            f.write(json.dumps(p, separators=(",", ":")))
            f.write("\n")
    n_pods = sum(len(v) for v in pods_by_ns.values())
    n_pol = sum(len(v) for v in policies_by_ns.values())
    summary = (f"namespaces={len(names)} pods={n_pods} policies={n_pol} probes={len(probes)} "
               + " ".join(f"{k}={v}" for k, v in kinds.items()))
    with open(os.path.join(args.out, "generated.txt"), "w") as f:
        f.write(summary + "\n")
    print(f"wrote {args.out}: {summary}", file=sys.stderr)


if __name__ == "__main__":
    main()
