package io.netpolguard.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code netpol_guard_tls_certificate_not_after_seconds{tls_configuration}}: when the certificate the guard serves
 * expires (Unix time), read from Quarkus' TLS registry at start and again whenever the registry reloads the files
 * (a renewed Secret). Only TLS configurations with a key store count; the earliest expiry of their certificates is
 * reported. The alert NetpolGuardCertificateExpiresSoon compares it with the time.
 */
@ApplicationScoped
public class TlsCertificateMetrics {
    static final String METRIC = "netpol_guard_tls_certificate_not_after_seconds";
    /** The TLS registry's name of the default configuration, and the label value that stands for it. */
    private static final String REGISTRY_DEFAULT = "<default>";
    static final String DEFAULT = "default";

    private final MeterRegistry registry;
    private final TlsConfigurationRegistry tls;
    private final Map<String, AtomicLong> notAfter = new ConcurrentHashMap<>();

    @Inject
    public TlsCertificateMetrics(MeterRegistry registry, TlsConfigurationRegistry tls) {
        this.registry = registry;
        this.tls = tls;
    }

    void onStart(@Observes StartupEvent event) {
        tls.getDefault().ifPresent(configuration -> update(REGISTRY_DEFAULT, configuration));
    }

    void onReload(@Observes CertificateUpdatedEvent event) {
        update(event.name(), event.tlsConfiguration());
    }

    private void update(String name, TlsConfiguration configuration) {
        OptionalLong expiry = configuration == null ? OptionalLong.empty() : notAfterSeconds(configuration.getKeyStore());
        if (expiry.isEmpty()) {
            return;
        }
        String label = REGISTRY_DEFAULT.equals(name) || name == null ? DEFAULT : name;
        notAfter.computeIfAbsent(label, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(METRIC, value, AtomicLong::get)
                    .description("When the served TLS certificate expires, in seconds since the epoch (the earliest "
                            + "of the configuration's certificates; updated when the certificate files are reloaded)")
                    .tag("tls_configuration", key).register(registry);
            return value;
        }).set(expiry.getAsLong());
    }

    /** The earliest expiry of the certificates of the key store's key entries, in seconds since the epoch. */
    static OptionalLong notAfterSeconds(KeyStore keyStore) {
        if (keyStore == null) {
            return OptionalLong.empty();
        }
        try {
            long earliest = Long.MAX_VALUE;
            for (String alias : Collections.list(keyStore.aliases())) {
                Certificate[] chain = keyStore.isKeyEntry(alias) ? keyStore.getCertificateChain(alias) : null;
                if (chain != null && chain.length > 0 && chain[0] instanceof X509Certificate certificate) {
                    earliest = Math.min(earliest, certificate.getNotAfter().toInstant().getEpochSecond());
                }
            }
            return earliest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(earliest);
        } catch (KeyStoreException e) {
            return OptionalLong.empty();
        }
    }
}
