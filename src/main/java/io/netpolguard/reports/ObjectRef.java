package io.netpolguard.reports;

/** An entry of a result's {@code resources}: the object the result is about (apiVersion may be empty). */
public record ObjectRef(String apiVersion, String kind, String namespace, String name) {
}
