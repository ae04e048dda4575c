package io.netpolguard.connectivity;

/**
 * What may connect from one end to another: {@code allowed} for every pod pair of the two ends, {@code unverifiable}
 * where no pod pair is blocked but the engine cannot decide some (a policy of a kind it does not evaluate, an address
 * it does not know, a rule it cannot read), {@code somePods} where some pod pairs are allowed (or unverifiable) and
 * others blocked. The three never overlap; at least one is not empty.
 */
public record Link(End from, End to, PortSet allowed, PortSet unverifiable, PortSet somePods) implements Comparable<Link> {

    /** Allowed for every pod pair, nothing else. */
    public static Link allowed(End from, End to, PortSet ports) {
        return new Link(from, to, ports, PortSet.EMPTY, PortSet.EMPTY);
    }

    /** Whether the two links say the same about their ports. */
    public boolean samePorts(Link other) {
        return allowed.equals(other.allowed) && unverifiable.equals(other.unverifiable) && somePods.equals(other.somePods);
    }

    /** {@code TCP 80; UDP 53 (unverifiable: TCP 8080) (some pods only: TCP 9090)}. */
    public String portsText() {
        StringBuilder out = new StringBuilder();
        if (!allowed.isEmpty()) {
            out.append(allowed);
        }
        if (!unverifiable.isEmpty()) {
            out.append(out.isEmpty() ? "" : " ").append("(unverifiable: ").append(unverifiable).append(')');
        }
        if (!somePods.isEmpty()) {
            out.append(out.isEmpty() ? "" : " ").append("(some pods only: ").append(somePods).append(')');
        }
        return out.toString();
    }

    @Override
    public int compareTo(Link other) {
        int byFrom = from.compareTo(other.from);
        return byFrom != 0 ? byFrom : to.compareTo(other.to);
    }
}
