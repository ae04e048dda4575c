package io.netpolguard.dynatrace;

/** The EdgeConnect image the operator uses when none is set (pkg/api/v1alpha2/edgeconnect/properties.go). */
final class EdgeConnectImage {
    static final String DEFAULT = "docker.io/dynatrace/edgeconnect:latest";

    private EdgeConnectImage() {
    }
}
