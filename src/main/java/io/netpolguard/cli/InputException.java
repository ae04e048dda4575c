package io.netpolguard.cli;

/** Bad input to a command (an unknown pod in a probe, an unreadable request): exit code 2. */
public class InputException extends RuntimeException {
    public InputException(String message) {
        super(message);
    }
}
