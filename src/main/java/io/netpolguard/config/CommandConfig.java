package io.netpolguard.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;

/**
 * The guard's configuration for the command line, read without the Quarkus container: the same
 * {@code netpol-guard.*} properties, from system properties, environment variables and
 * {@code application.properties}, with the same names, defaults and precedence as the webhook.
 */
public final class CommandConfig {
    /** Quarkus' ordinal for application.properties on the class path: below environment variables (300). */
    private static final int APPLICATION_PROPERTIES = 250;

    private CommandConfig() {
    }

    public static GuardConfig read() {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .addSystemSources()
                .withProfile("prod")
                .withValidateUnknown(false)
                // Quarkus' durations ("60s", "100ms"), not only ISO-8601 ("PT60S")
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(GuardConfig.class);
        URL properties = CommandConfig.class.getClassLoader().getResource("application.properties");
        if (properties != null) {
            try {
                builder.withSources(new PropertiesConfigSource(properties, APPLICATION_PROPERTIES));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return builder.build().getConfigMapping(GuardConfig.class);
    }
}
