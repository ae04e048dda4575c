package io.netpolguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The command line's configuration, read without the Quarkus container. */
class CommandConfigTest {

    /** Commands skip SmallRye Config when nothing is set, so the built-in defaults must be the configured ones. */
    @Test
    void theBuiltInDefaultsAreTheDefaultsOfTheConfiguration() {
        assertThat(CommandConfig.anySetting()).as("nothing sets netpol-guard.* for the prod profile here").isFalse();

        assertThat(GuardFactory.withDefaults().settings()).isEqualTo(new GuardFactory(CommandConfig.read()).settings());
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
