package io.netpolguard.netpol;

import java.net.InetAddress;
import java.util.List;

/**
 * An end outside the modelled pods: an IP literal, or a host name with the addresses it resolved
 * to. A host that could not be resolved has no addresses; only rules that allow every address can
 * then be judged.
 */
public record ExternalEndpoint(String host, List<InetAddress> addresses) implements Endpoint {

    public ExternalEndpoint {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }

    public static ExternalEndpoint ofAddress(InetAddress address) {
        return new ExternalEndpoint(address.getHostAddress(), List.of(address));
    }

    @Override
    public String displayName() {
        if (addresses.isEmpty() || addresses.size() == 1 && addresses.get(0).getHostAddress().equals(host)) {
            return host;
        }
        return host + " (" + String.join(", ", addresses.stream().map(InetAddress::getHostAddress).toList()) + ")";
    }
}
