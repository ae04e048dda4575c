package io.netpolguard.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;

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

    /**
     * The factory of the configured guard; when nothing sets a {@code netpol-guard.*} property, the one with the
     * built-in defaults, without building SmallRye Config (a tenth of a command's start-up).
     */
    public static GuardFactory guardFactory() {
        return anySetting() ? new GuardFactory(read()) : GuardFactory.withDefaults();
    }

    /** Whether a system property, environment variable or application.properties (prod profile) sets netpol-guard.*. */
    static boolean anySetting() {
        if (System.getProperties().stringPropertyNames().stream().anyMatch(name -> name.contains("netpol-guard."))
                || System.getenv().keySet().stream().anyMatch(name -> name.startsWith("NETPOL_GUARD_"))) {
            return true;
        }
        Properties properties = new Properties();
        try (InputStream in = CommandConfig.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return true;
        }
        return properties.stringPropertyNames().stream().anyMatch(CommandConfig::setsGuardInProd);
    }

    private static boolean setsGuardInProd(String name) {
        if (!name.startsWith("%")) {
            return name.startsWith("netpol-guard.");
        }
        int dot = name.indexOf('.');
        return dot > 0 && name.startsWith("netpol-guard.", dot + 1)
                && Arrays.asList(name.substring(1, dot).split(",")).contains("prod");
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
