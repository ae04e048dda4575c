package io.netpolguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a person reads when the guard cannot start: one line naming the setting and the value. */
class StartupFailureTest {

    @Test
    void aConversionErrorNamesThePropertyTheValueAndWhy() {
        RuntimeException failure = new RuntimeException("Failed to start", new IllegalStateException("""
                Configuration validation failed:
                \tjava.lang.IllegalArgumentException: SRCFG00039: The config property netpol-guard.server.audit-interval \
                with the config value "abc" threw an Exception whilst being converted Invalid duration: abc"""));
        assertThat(StartupFailure.describe(failure))
                .isEqualTo("netpol-guard.server.audit-interval: 'abc' is not valid (Invalid duration: abc)");
    }

    @Test
    void severalProblemsStayOnOneLine() {
        IllegalStateException failure = new IllegalStateException("""
                Configuration validation failed:
                \tjava.lang.IllegalArgumentException: SRCFG00039: The config property a.b with the config value "x" \
                threw an Exception whilst being converted SRCFG00029: Expected an integer value, got "x"
                \tjava.util.NoSuchElementException: SRCFG00014: The config property c.d is required but it could not be found""");
        assertThat(StartupFailure.describe(failure)).isEqualTo("a.b: 'x' is not valid (Expected an integer value, got \"x\"); "
                + "The config property c.d is required but it could not be found").doesNotContain("\n");
    }

    @Test
    void anyOtherFailureIsItsMessage() {
        assertThat(StartupFailure.describe(new IllegalArgumentException(
                "netpol-guard.mode: unknown mode 'bogus' (expected enforce, warn or off)")))
                .isEqualTo("netpol-guard.mode: unknown mode 'bogus' (expected enforce, warn or off)");
    }
}
