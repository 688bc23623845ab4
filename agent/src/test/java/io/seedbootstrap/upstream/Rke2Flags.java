package io.seedbootstrap.upstream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The flags of {@code rke2 server} and {@code rke2 agent}, read from RKE2's own CLI definitions
 * (../shared/upstream/rke2/cli-cmds, v1.35.7+rke2r1), the way those files assemble them:
 * <ul>
 *   <li>{@code NewServerCommand} (server.go): the K3s server command wrapped by
 *       {@code mustCmdFromK3S(cmds.NewServerCommand(ServerRun), K3SFlagSet{...})}, then
 *       {@code append(cmd.Flags, serverFlag...)} and {@code commonFlag...};</li>
 *   <li>{@code NewAgentCommand} (agent.go): the K3s agent command wrapped the same way, then
 *       {@code commonFlag...} and {@code deprecatedFlags...};</li>
 *   <li>{@code commandFromK3S} (k3sopts.go) keeps a K3s flag named in the K3SFlagSet unless its
 *       option is {@code dropFlag} (Drop: true; {@code hideFlag} only hides it, a struct literal only
 *       changes usage or default), and fails on a K3s flag missing from the set.</li>
 * </ul>
 * RKE2's own flags ({@code &cli.StringFlag{Name: "profile", ...}}) carry their kind here; the K3s
 * flags' definitions are in K3s (pkg/cli/cmds), not in these files: for them this class records
 * the K3SFlagSet entry (file, line, option) as the evidence that RKE2 passes the flag through.
 */
final class Rke2Flags {
    enum Kind { STRING, LIST, BOOL, INT, DURATION, K3S }

    /** A flag of a role: its kind (K3S: defined in K3s) and where the cli-cmds files define or pass it. */
    record Flag(String name, Kind kind, String evidence) {}

    private static final Pattern K3S_ENTRY = Pattern.compile("^\\s*\"([a-z0-9-]+)\":\\s*(copyFlag|hideFlag|dropFlag|ignoreFlag|\\{)");
    private static final Pattern VAR_FLAG = Pattern.compile("(\\w+)\\s*=\\s*&cli\\.(\\w+)Flag\\{");
    private static final Pattern INLINE_FLAG = Pattern.compile("&cli\\.(\\w+)Flag\\{");
    private static final Pattern NAME = Pattern.compile("Name:\\s*\"([^\"]+)\"");
    private static final Pattern APPEND = Pattern.compile("append\\(cmd\\.Flags,\\s*(\\w+)\\.\\.\\.\\)");

    private Rke2Flags() {}

    static Map<String, Flag> server() throws IOException {
        return role("server.go", "NewServerCommand");
    }

    static Map<String, Flag> agent() throws IOException {
        return role("agent.go", "NewAgentCommand");
    }

    private static Map<String, Flag> role(String file, String constructor) throws IOException {
        Path dir = Upstream.path("rke2/cli-cmds");
        String source = Files.readString(dir.resolve(file));
        Map<String, Flag> flags = new LinkedHashMap<>(k3sFlags(source, file));
        Map<String, String> sources = Map.of(file, source, "root.go", Files.readString(dir.resolve("root.go")));
        String body = block(source, source.indexOf("{", source.indexOf("func " + constructor + "(")));
        Matcher append = APPEND.matcher(body);
        while (append.find()) {
            String slice = append.group(1);
            for (var candidate : sources.entrySet()) {
                int at = candidate.getValue().indexOf(slice + " = []cli.Flag{");
                if (at >= 0) {
                    flags.putAll(sliceFlags(candidate.getValue(), candidate.getKey(), at));
                }
            }
        }
        return flags;
    }

    /** The K3SFlagSet literal passed to mustCmdFromK3S: every name whose option is not dropFlag. */
    private static Map<String, Flag> k3sFlags(String source, String file) {
        int call = source.indexOf("mustCmdFromK3S(");
        int open = source.indexOf("K3SFlagSet{", call) + "K3SFlagSet".length();
        String set = block(source, open);
        int firstLine = lineOf(source, open);
        Map<String, Flag> flags = new LinkedHashMap<>();
        List<String> lines = set.lines().toList();
        int depth = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher entry = K3S_ENTRY.matcher(line);
            if (depth == 0 && entry.find() && !entry.group(2).equals("dropFlag") && !entry.group(2).equals("ignoreFlag")) {
                flags.put(entry.group(1), new Flag(entry.group(1), Kind.K3S, file + ":" + (firstLine + i) + " " + line.trim()));
            }
            depth += count(line, '{') - count(line, '}');
        }
        return flags;
    }

    /** A {@code name = []cli.Flag{...}} slice: named flag variables and inline flag literals. */
    private static Map<String, Flag> sliceFlags(String source, String file, int at) {
        Map<String, Flag> flags = new LinkedHashMap<>();
        String slice = block(source, source.indexOf("{", at));
        Matcher inline = INLINE_FLAG.matcher(slice);
        while (inline.find()) {
            String literal = block(slice, inline.end() - 1);
            Matcher name = NAME.matcher(literal);
            if (name.find()) { // names from constants (images.*, podtemplate.*) are image/extra-mount flags, never written
                flags.put(name.group(1), new Flag(name.group(1), kind(inline.group(1)),
                        file + ":" + lineOf(source, source.indexOf(slice) + inline.start()) + " &cli." + inline.group(1) + "Flag"));
            }
        }
        for (String element : slice.replaceAll("(?s)&cli\\.\\w+Flag\\{.*?\\n\\t\\t}", "").split(",")) {
            String variable = element.trim().replace("{", "").replace("}", "").trim();
            if (variable.matches("\\w+")) {
                Matcher definition = VAR_FLAG.matcher(source);
                while (definition.find()) {
                    if (definition.group(1).equals(variable)) {
                        Matcher name = NAME.matcher(block(source, definition.end() - 1));
                        if (name.find()) {
                            flags.put(name.group(1), new Flag(name.group(1), kind(definition.group(2)),
                                    file + ":" + lineOf(source, definition.start()) + " " + variable + " = &cli." + definition.group(2) + "Flag"));
                        }
                    }
                }
            }
        }
        return flags;
    }

    private static Kind kind(String goType) {
        return switch (goType) {
            case "String" -> Kind.STRING;
            case "StringSlice" -> Kind.LIST;
            case "Bool" -> Kind.BOOL;
            case "Int" -> Kind.INT;
            case "Duration" -> Kind.DURATION;
            default -> throw new IllegalStateException("flag type cli." + goType + "Flag: teach Rke2Flags its kind");
        };
    }

    /** The text between the brace at {@code open} and its match (Go literals here hold no braces in strings). */
    private static String block(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return text.substring(open + 1, i);
            }
        }
        throw new IllegalStateException("unbalanced braces from offset " + open);
    }

    private static int lineOf(String text, int offset) {
        return (int) text.substring(0, Math.max(0, offset)).chars().filter(c -> c == '\n').count() + 1;
    }

    private static int count(String line, char c) {
        return (int) line.chars().filter(x -> x == c).count();
    }
}
