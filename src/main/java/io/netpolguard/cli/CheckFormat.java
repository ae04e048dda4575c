package io.netpolguard.cli;

/** How {@code check} prints its result: for people, for scripts, for code scanning (SARIF) or for test reports (JUnit). */
public enum CheckFormat {
    text, json, sarif, junit
}
