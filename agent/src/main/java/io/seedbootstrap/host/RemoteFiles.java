package io.seedbootstrap.host;

import static io.seedbootstrap.support.ShellQuote.quote;

import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.StagedFiles;
import io.seedbootstrap.ssh.RemoteHost;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Small files on hosts: what is there (read-only, one command for many paths) and writing
 * content from memory the way every upload lands — to a temporary name with umask 077, then
 * mode set and renamed into place, so a reader never sees half a file. Content goes through
 * stdin, never argv, so it may be secret.
 */
public final class RemoteFiles {
    private RemoteFiles() {}

    /** What a path holds on a host: its sha256 and mode, or absent. */
    public record State(String sha256, String mode) {}

    /** sha256 and mode of every path that exists (as root); missing paths are left out. One command. */
    public static Map<String, State> states(RemoteHost host, Collection<String> paths) {
        if (paths.isEmpty()) {
            return Map.of();
        }
        // openssl when present (SHA-NI, ~4x coreutils): re-runs hash every artifact already on the host
        StringBuilder script = new StringBuilder(StagedFiles.HASH_FN).append("for f in");
        for (String path : paths) {
            script.append(' ').append(quote(path));
        }
        script.append("; do if [ -f \"$f\" ]; then printf '%s %s %s\\n' \"$(h < \"$f\")\" \"$(stat -c %a \"$f\")\" \"$f\"; fi; done");
        String out = host.exec(RemoteCommand.shell(script.toString(), "check " + paths.size() + " file(s)").asRoot()).stdout();
        Map<String, State> states = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] fields = line.split(" ", 3);
            if (fields.length == 3) {
                states.put(fields[2], new State(fields[0], normalMode(fields[1])));
            }
        }
        return states;
    }

    public static Optional<State> state(RemoteHost host, String path) {
        return Optional.ofNullable(states(host, List.of(path)).get(path));
    }

    /** True when the path exists (file or directory). */
    public static boolean exists(RemoteHost host, String path) {
        return host.exec(RemoteCommand.shell("test -e " + quote(path)).asRoot().allowFailure()).ok();
    }

    /** Writes {@code content} to {@code path} with {@code mode} (octal, e.g. "0600"), creating missing folders 0755 (existing ones keep their mode). */
    public static void write(RemoteHost host, String path, byte[] content, String mode) {
        host.exec(writeCommand(path, mode, "write " + path + " (" + mode + ")").stdin(RemoteCommand.Stdin.of(content)));
    }

    public static void write(RemoteHost host, String path, String content, String mode) {
        write(host, path, content.getBytes(StandardCharsets.UTF_8), mode);
    }

    private static RemoteCommand writeCommand(String path, String mode, String display) {
        String dir = path.substring(0, path.lastIndexOf('/'));
        String temp = dir + "/." + path.substring(path.lastIndexOf('/') + 1) + ".seed-bootstrap-new";
        String script = "set -e; [ -d " + quote(dir) + " ] || (umask 022; mkdir -p " + quote(dir) + "); umask 077; cat > " + quote(temp)
                + "; chmod " + mode + " " + quote(temp) + "; mv -f " + quote(temp) + " " + quote(path);
        return RemoteCommand.shell(script, display).asRoot();
    }

    /** The sha256 a host would report for this content. */
    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(String content) {
        return sha256(content.getBytes(StandardCharsets.UTF_8));
    }

    /** "600" and "0600" alike. */
    public static String normalMode(String mode) {
        String trimmed = mode.replaceFirst("^0+(?=.)", "");
        return "0" + trimmed;
    }
}
