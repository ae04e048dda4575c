package io.netpolguard.netpol;

/** A port a pod declares; only declared ports can be matched by a named port in a policy. */
public record ContainerPort(String name, int number, Protocol protocol) {
}
