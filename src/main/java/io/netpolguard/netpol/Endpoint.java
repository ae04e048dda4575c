package io.netpolguard.netpol;

import java.net.InetAddress;
import java.util.List;

/** One end of a connection: a pod (or a workload's pod template) or an address outside the modelled pods. */
public sealed interface Endpoint permits PodEndpoint, ExternalEndpoint {

    /** How a person names this end in a message: {@code namespace/name} or {@code host}. */
    String displayName();

    /** The addresses known for this end; empty when none is known. */
    List<InetAddress> addresses();
}
