package io.netpolguard.connectivity;

import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.PodEndpoint;
import java.util.List;

/**
 * Pods that no policy can tell apart: same namespace, same labels on the keys policies look at, same named ports,
 * addresses in the same pieces of the ipBlocks, same host-network setting. {@code first} stands for all of them;
 * {@code second} is another of them (null when there is one), for a connection between two pods of the class.
 * {@code ranges} are where its address is, as the engine sees a peer: its addresses, or anywhere when none is known.
 */
record PodClass(int id, PodEndpoint first, PodEndpoint second, List<Cidr> ranges) {

    String namespace() {
        return first.namespace();
    }

    boolean hostNetwork() {
        return first.hostNetwork();
    }
}
