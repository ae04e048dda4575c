package io.netpolguard.netpol;

/** A new connection to judge: from, to, destination port and protocol. */
public record Connection(Endpoint source, Endpoint destination, int port, Protocol protocol) {

    public String describe() {
        return source.displayName() + " -> " + destination.displayName() + " on " + protocol + "/" + port;
    }
}
