package io.seedbootstrap.bind;

import io.seedbootstrap.support.Environment;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} substitution in inventory values; {@code $${} writes a literal {@code ${}.
 * Unset variables are reported, never replaced by an empty string.
 */
public final class EnvSubstitution {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\$\\{|\\$\\{([^}]*)}");
    private static final Pattern NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");

    private EnvSubstitution() {}

    /** The text with every reference replaced, the variables used, and the problems found. */
    public record Result(String text, List<String> variables, List<String> problems) {
        public boolean hasReferences() {
            return !variables.isEmpty();
        }
    }

    public static Result apply(String text, Environment environment) {
        if (!text.contains("${")) {
            return new Result(text, List.of(), List.of());
        }
        Matcher matcher = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        List<String> variables = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        while (matcher.find()) {
            if (matcher.group(1) == null) {
                matcher.appendReplacement(out, Matcher.quoteReplacement("${"));
                continue;
            }
            String name = matcher.group(1);
            if (!NAME.matcher(name).matches()) {
                problems.add("\"${" + name + "}\" is not a valid environment variable reference; write ${NAME} with letters, digits and '_' (or $${ for a literal ${)");
                matcher.appendReplacement(out, "");
                continue;
            }
            variables.add(name);
            String value = environment.get(name).orElse(null);
            if (value == null) {
                problems.add("environment variable " + name + " is not set; export it before running seed-bootstrap");
                matcher.appendReplacement(out, "");
            } else {
                matcher.appendReplacement(out, Matcher.quoteReplacement(value));
            }
        }
        matcher.appendTail(out);
        return new Result(out.toString(), List.copyOf(variables), List.copyOf(problems));
    }
}
