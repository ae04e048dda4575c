package io.netpolguard.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a start-up failure (mostly bad configuration) into one line a person can act on. */
final class StartupFailure {
    private static final Pattern CONVERSION = Pattern.compile(
            "The config property (\\S+) with the config value \"(.*)\" threw an Exception whilst being converted (.*)");
    private static final Pattern CODE = Pattern.compile("^(?:[\\w.$]+Exception: )?(?:SRCFG\\d+: )?");

    private StartupFailure() {
    }

    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root && (root.getMessage() == null
                || !root.getMessage().contains("SRCFG"))) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        List<String> problems = new ArrayList<>();
        for (String line : message.split("\n")) {
            String text = line.strip();
            if (text.isEmpty() || text.equals("Configuration validation failed:")) {
                continue;
            }
            text = CODE.matcher(text).replaceFirst("");
            Matcher conversion = CONVERSION.matcher(text);
            problems.add(conversion.find() ? conversion.group(1) + ": '" + conversion.group(2) + "' is not valid ("
                    + CODE.matcher(conversion.group(3).strip()).replaceFirst("") + ")" : text);
        }
        return String.join("; ", problems);
    }
}
