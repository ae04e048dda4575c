package io.netpolguard.netpol;

import java.net.InetAddress;
import java.util.List;

/**
 * An end outside the modelled pods: an IP literal, a host name with the addresses it resolved to,
 * or address ranges (the control plane given as CIDRs). A connection may use any of them, so every
 * one must be allowed. A host that could not be resolved has neither; it may then have any address
 * of the families the cluster uses.
 */
public record ExternalEndpoint(String host, List<InetAddress> addresses, List<Cidr> ranges) implements Endpoint {

    public ExternalEndpoint {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        ranges = ranges == null ? List.of() : List.copyOf(ranges);
    }

    public ExternalEndpoint(String host, List<InetAddress> addresses) {
        this(host, addresses, List.of());
    }

    public static ExternalEndpoint ofAddress(InetAddress address) {
        return new ExternalEndpoint(address.getHostAddress(), List.of(address));
    }

    /** Any address of {@code range}: every one of them must be allowed. */
    public static ExternalEndpoint ofRange(String host, Cidr range) {
        return new ExternalEndpoint(host, List.of(), List.of(range));
    }

    /** True when nothing is known about where this end is. */
    public boolean unresolved() {
        return addresses.isEmpty() && ranges.isEmpty();
    }

    @Override
    public String displayName() {
        if (addresses.isEmpty() || addresses.size() == 1 && addresses.get(0).getHostAddress().equals(host)) {
            return host;
        }
        return host + " (" + String.join(", ", addresses.stream().map(InetAddress::getHostAddress).toList()) + ")";
    }
}
