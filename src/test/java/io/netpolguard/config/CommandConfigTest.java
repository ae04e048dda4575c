package io.netpolguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The command line's configuration, read without the Quarkus container. */
class CommandConfigTest {

    /** Commands skip SmallRye Config when nothing is set, so the built-in defaults must be the configured ones. */
    @Test
    void theBuiltInDefaultsAreTheDefaultsOfTheConfiguration() {
        // Quarkus test profiles of other tests in this JVM leave their overrides as system properties
        Properties left = new Properties();
        System.getProperties().stringPropertyNames().stream().filter(name -> name.contains("netpol-guard."))
                .forEach(name -> left.setProperty(name, System.getProperty(name)));
        left.stringPropertyNames().forEach(System::clearProperty);
        try {
            assertThat(CommandConfig.anySetting()).as("nothing sets netpol-guard.* for the prod profile here").isFalse();

            assertThat(GuardFactory.withDefaults().settings()).isEqualTo(new GuardFactory(CommandConfig.read()).settings());
        } finally {
            left.forEach((name, value) -> System.setProperty((String) name, (String) value));
        }
    }

    @Test
    void aSystemPropertyIsASetting() {
        System.setProperty("netpol-guard.mode", "warn");
        try {
            assertThat(CommandConfig.anySetting()).isTrue();
            assertThat(CommandConfig.guardFactory().settings()).isNotEqualTo(GuardFactory.withDefaults().settings());
        } finally {
            System.clearProperty("netpol-guard.mode");
        }
    }
}
