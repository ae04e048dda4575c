#!/usr/bin/env python3
"""Compares `netpol-guard connectivity --group-by pod --output csv` with netpol-analyzer's `netpolicy list` (txt).

Usage: compare.py CLUSTER_DIR OURS.csv PEER.txt [--examples 5]

Both list allowed connections per pod (the generated pods have no ownerReferences, so the peer names each pod
`ns/name[Pod]`) and per address range. Address ranges are compared on the common refinement of both tools' ranges.
Where the answers differ, the difference is put down to one of the two documented conventions when it can be:
  host-network  a host-network pod is at one end (outside policy here: never selected, never matched by a
                podSelector, only by ipBlocks, with its node's address; the peer treats it as an ordinary pod)
  ipBlock-pod   a policy of the source's namespace (egress) or of the destination's namespace (ingress) has an
                ipBlock that holds the other pod's address (an ipBlock may match a pod's address here; never in
                the peer)
and "unexplained" otherwise. Reads the cluster's JSON manifests (what bench/scale/generate.py writes).
Standard library only.
"""
import argparse
import csv
import ipaddress
import json
import os
import re
import sys
from collections import Counter, defaultdict

PROTOCOLS = ("TCP", "UDP", "SCTP")
ALL = {p: [(1, 65535)] for p in PROTOCOLS}


def parse_ports(text):
    """'TCP 80,443-445; UDP 53' (ours), 'TCP 80,443-445,UDP 53' (peer), 'all ports' / 'All Connections'."""
    text = text.strip()
    if text in ("all ports", "All Connections"):
        return {p: list(r) for p, r in ALL.items()}
    out = defaultdict(list)
    if not text or text in ("none", "No Connections"):
        return {}
    protocol = None
    for token in re.split(r"[;,]", text):
        token = token.strip()
        if not token:
            continue
        words = token.split(" ")
        if words[0] in PROTOCOLS:
            protocol, token = words[0], words[1]
        a, _, b = token.partition("-")
        out[protocol].append((int(a), int(b or a)))
    return {p: normalise(r) for p, r in out.items()}


def normalise(ranges):
    merged = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def canon(ports):
    return tuple((p, tuple(ports.get(p, []))) for p in PROTOCOLS if ports.get(p))


def parse_range(name):
    """An address range end: CIDR or first-last; None for a workload."""
    name = name.replace("[External]", "")
    try:
        if "-" in name and "/" not in name:
            a, b = name.split("-")
            first, last = ipaddress.ip_address(a), ipaddress.ip_address(b)
        else:
            net = ipaddress.ip_network(name)
            first, last = net[0], net[-1]
        return (first.version, int(first), int(last))
    except ValueError:
        return None


def pod_name(name):
    m = re.fullmatch(r"(.+)/(.+)\[(\w+)\]", name)
    if m:
        return f"{m.group(1)}/{m.group(3)}/{m.group(2)}"
    return name


def load_cluster(root):
    pods, policies = {}, []
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            if not f.endswith(".json"):
                continue
            doc = json.load(open(os.path.join(dirpath, f)))
            for item in doc.get("items", [doc]):
                kind, meta = item.get("kind"), item.get("metadata", {})
                ns = meta.get("namespace", "default")
                if kind == "Pod":
                    ip = item.get("status", {}).get("podIP")
                    pods[f"{ns}/Pod/{meta['name']}"] = {"ip": ip, "host": bool(item["spec"].get("hostNetwork"))}
                elif kind == "NetworkPolicy":
                    policies.append((ns, item.get("spec", {})))
    blocks = defaultdict(lambda: {"ingress": [], "egress": []})
    for ns, spec in policies:
        for direction, field in (("ingress", "from"), ("egress", "to")):
            for rule in spec.get(direction, []) or []:
                for peer in rule.get(field, []) or []:
                    if "ipBlock" in peer:
                        blocks[ns][direction].append((ipaddress.ip_network(peer["ipBlock"]["cidr"]),
                                                      [ipaddress.ip_network(e) for e in peer["ipBlock"].get("except", [])]))
    return pods, blocks


def holds(block, ip):
    cidr, excepts = block
    a = ipaddress.ip_address(ip)
    return a in cidr and not any(a in e for e in excepts)


def read_ours(path):
    links = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            links[(row["from"], row["to"])] = (parse_ports(row["allowed"]), row["unverifiable"], row["some_pods_only"])
    return links


def read_peer(path):
    links = {}
    for line in open(path):
        if " => " not in line:
            continue
        pair, _, ports = line.rstrip("\n").rpartition(" : ")
        src, _, dst = pair.partition(" => ")
        links[(pod_name(src.strip()), pod_name(dst.strip()))] = (parse_ports(ports), "", "")
    return links


def by_range(links):
    """(pod, direction) -> list of (range, ports) for links with an address range at one end; the rest as is."""
    pods, ranged = {}, defaultdict(list)
    for (src, dst), value in links.items():
        rs, rd = parse_range(src), parse_range(dst)
        if rs:
            ranged[(dst, "in")].append((rs, value[0]))
        elif rd:
            ranged[(src, "out")].append((rd, value[0]))
        else:
            pods[(src, dst)] = value
    return pods, ranged


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cluster")
    parser.add_argument("ours")
    parser.add_argument("peer")
    parser.add_argument("--examples", type=int, default=5)
    args = parser.parse_args()
    pods, blocks = load_cluster(args.cluster)
    ours_pods, ours_ranged = by_range(read_ours(args.ours))
    peer_pods, peer_ranged = by_range(read_peer(args.peer))
    unverifiable = sum(1 for v in ours_pods.values() if v[1] or v[2])

    counts, examples = Counter(), defaultdict(list)

    def reason(src, dst):
        s, d = pods.get(src), pods.get(dst)
        if s is None or d is None:
            return "unexplained"
        if s["host"] or d["host"]:
            return "host-network"
        sns, dns = src.split("/")[0], dst.split("/")[0]
        if any(holds(b, d["ip"]) for b in blocks[sns]["egress"]) or any(holds(b, s["ip"]) for b in blocks[dns]["ingress"]):
            return "ipBlock-pod"
        return "unexplained"

    names = set(pods)
    for src in names:
        for dst in names:
            if src == dst:
                continue
            a = canon(ours_pods.get((src, dst), ({},))[0])
            b = canon(peer_pods.get((src, dst), ({},))[0])
            if a == b:
                counts["pod pairs agree"] += 1
            else:
                why = reason(src, dst)
                counts["pod pairs differ: " + why] += 1
                if len(examples[why]) < args.examples:
                    examples[why].append(f"{src} => {dst}: ours {fmt(a)}, peer {fmt(b)}")
    for key in set(ours_ranged) | set(peer_ranged):
        pod, direction = key
        if pod not in pods:
            continue
        o, p = ours_ranged.get(key, []), peer_ranged.get(key, [])
        cuts = {v: set() for v in (4, 6)}
        for (v, a, b), _ in o + p:
            cuts[v].update((a, b + 1))
        for v in (4, 6):
            points = sorted(cuts[v])
            for a, nxt in zip(points, points[1:]):
                po = next((canon(ports) for (vv, x, y), ports in o if vv == v and x <= a <= y), ())
                pp = next((canon(ports) for (vv, x, y), ports in p if vv == v and x <= a <= y), ())
                if po == pp:
                    counts["pod-range pieces agree"] += 1
                else:
                    why = "host-network" if pods[pod]["host"] else "unexplained"
                    counts["pod-range pieces differ: " + why] += 1
                    if len(examples["range " + why]) < args.examples:
                        examples["range " + why].append(f"{pod} {direction} {ipaddress.ip_address(a) if v == 4 else a}..: "
                                                        f"ours {fmt(po)}, peer {fmt(pp)}")
    print(f"pods: {len(pods)} ({sum(p['host'] for p in pods.values())} host-network); "
          f"our links with unverifiable or some-pods ports: {unverifiable}")
    for key in sorted(counts):
        print(f"{key}: {counts[key]}")
    for why, lines in sorted(examples.items()):
        print(f"\nexamples, {why}:")
        for line in lines:
            print("  " + line)


def fmt(ports):
    return "; ".join(f"{p} " + ",".join(f"{a}-{b}" if a != b else str(a) for a, b in r) for p, r in ports) or "none"


if __name__ == "__main__":
    sys.exit(main())
