package io.netpolguard.dynatrace;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The operator contacts a 3rd-generation tenant URL ({@code https://abc.apps.dynatrace.com}) at its
 * 2nd-generation address ({@code https://abc.live.dynatrace.com/api}); pkg/util/dtapiurl/dtapiurl.go.
 */
final class TenantUrl {
    private static final String APPS = ".apps.";

    private TenantUrl() {
    }

    static String toSecondGen(String apiUrl) {
        if (apiUrl == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(apiUrl.trim());
        } catch (URISyntaxException e) {
            return apiUrl;
        }
        String host = uri.getHost();
        int apps = host == null ? -1 : host.indexOf(APPS);
        if (apps < 0) {
            return apiUrl;
        }
        String prefix = host.substring(0, apps);
        String suffix = host.substring(apps + APPS.length());
        String secondGen = prefix.contains(".") ? prefix + "." + suffix : prefix + ".live." + suffix;
        return uri.getScheme() + "://" + secondGen + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "/api";
    }
}
