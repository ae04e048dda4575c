#!/usr/bin/env python3
"""compare.py A B: exit 0 when two AdmissionReview responses are equal up to the order of keys in JSON
objects, including the suggested NetworkPolicies embedded (one JSON object per line) in the denial message."""
import json
import re
import sys

EMBEDDED = re.compile(r'\{"apiVersion".*\}$', re.M)


def canonical(value):
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    if isinstance(value, str):
        return EMBEDDED.sub(lambda m: json.dumps(json.loads(m.group(0)), sort_keys=True), value)
    return value


a, b = (canonical(json.loads(x)) for x in sys.argv[1:3])
if a != b:
    sa, sb = json.dumps(a, indent=1, sort_keys=True).splitlines(), json.dumps(b, indent=1, sort_keys=True).splitlines()
    for la, lb in zip(sa, sb):
        if la != lb:
            print("  A:", la[:300], "\n  B:", lb[:300])
            break
    sys.exit(1)
