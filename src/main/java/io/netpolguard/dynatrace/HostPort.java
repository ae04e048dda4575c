package io.netpolguard.dynatrace;

import java.net.URI;
import java.net.URISyntaxException;

/** A host and port, as parsed from a URL or an image reference. */
public record HostPort(String host, int port) {

    /** Parses an http(s) URL; the port defaults to 443 for https and 80 for http. */
    public static HostPort fromUrl(String url, String field) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(field + " is empty");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(field + " '" + url + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException(field + " '" + url + "' is not an http(s) URL with a host");
        }
        int port = uri.getPort() > 0 ? uri.getPort() : scheme.equalsIgnoreCase("https") ? 443 : 80;
        return new HostPort(stripBrackets(uri.getHost()), port);
    }

    /** A host name with an optional {@code :port}, no scheme (EdgeConnect {@code apiServer}). */
    public static HostPort fromHost(String text, int defaultPort, String field) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(field + " is empty");
        }
        String value = text.trim();
        if (value.contains("://")) {
            return fromUrl(value, field);
        }
        int slash = value.indexOf('/');
        if (slash >= 0) {
            value = value.substring(0, slash);
        }
        int close = value.startsWith("[") ? value.indexOf(']') : -1;
        if (close > 0 && close + 1 < value.length()) {
            if (value.charAt(close + 1) != ':') {
                throw new IllegalArgumentException(field + " '" + text + "' is not HOST[:PORT]");
            }
            return new HostPort(value.substring(1, close), port(value.substring(close + 2), text, field));
        }
        int colon = value.lastIndexOf(':');
        if (colon > 0 && value.indexOf(':') == colon) {
            return new HostPort(value.substring(0, colon), port(value.substring(colon + 1), text, field));
        }
        return new HostPort(stripBrackets(value), defaultPort);
    }

    private static int port(String value, String text, String field) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " '" + text + "' has a port that is not a number");
        }
        throw new IllegalArgumentException(field + " '" + text + "' has a port outside 1..65535");
    }

    /** Docker Hub as go-containerregistry names it (the operator's registry client). */
    public static final String DOCKER_HUB = "index.docker.io";

    /** The registry host of an image reference; Docker Hub when the first part is not a host. */
    public static HostPort registryOf(String image) {
        String value = image.trim();
        int slash = value.indexOf('/');
        String first = slash < 0 ? "" : value.substring(0, slash);
        if (slash < 0 || !(first.contains(".") || first.contains(":") || first.equals("localhost"))) {
            return new HostPort(DOCKER_HUB, 443);
        }
        return first.equals("docker.io") ? new HostPort(DOCKER_HUB, 443) : fromHost(first, 443, "image registry");
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
