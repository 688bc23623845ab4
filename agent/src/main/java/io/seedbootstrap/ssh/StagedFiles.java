package io.seedbootstrap.ssh;

import static io.seedbootstrap.support.ShellQuote.quote;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The host side of a verified file transfer, shared by {@link Uploader} (bytes from the
 * operator) and the relay (bytes from another host): where a file for {@code target} is staged,
 * the shell that writes stdin there while hashing it as it lands, and the command that checks
 * the sha256 and renames the staged file into place. Every script runs as root.
 */
public final class StagedFiles {
    public static final String STATE_DIR = "/var/lib/seed-bootstrap";
    public static final String STAGING = STATE_DIR + "/staging";
    /** Exit code of {@link #finish} when the staged file does not have the expected sha256. */
    public static final int EXIT_CHECKSUM = 65;

    /** The host-side sha256 of stdin: openssl uses the CPU's SHA extensions, ~4x coreutils here. */
    public static final String HASH_FN = "h() { if command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r | cut -c1-64;"
            + " else sha256sum | cut -c1-64; fi; }\n";

    private StagedFiles() {}

    /** Where a transfer to {@code target} is staged: named by the target, so a retry finds it. */
    public static String stagedPath(String target) {
        return STAGING + "/" + HexFormat.of().formatHex(
                HashCache.newDigest().digest(target.getBytes(StandardCharsets.UTF_8))).substring(0, 32) + ".part";
    }

    /**
     * Shell text that appends stdin to {@code staged} (truncated first unless {@code append}).
     * While cat writes the staged file, GNU tail follows the same file and feeds the hash, so
     * the check does not need a second pass after the transfer (~1 s per GiB with SHA-NI here);
     * {@link #finish} uses that hash only when the staged file has exactly the expected length.
     */
    public static String receiveScript(String staged, boolean append) {
        return "umask 077\ns=" + quote(staged) + "\n" + HASH_FN
                + "mkdir -p " + STAGING + "\n"
                + "rm -f -- \"$s.sha256\" \"$s.sha256.tmp\"\n"
                + (append ? "" : ": > \"$s\"\n")
                + "exec 3<&0\n"
                + "cat <&3 >> \"$s\" &\n"
                + "c=$!\n"
                + "exec 3<&-\n"
                + "t=\n"
                + "if tail --version 2>/dev/null | grep -q GNU; then\n"
                + "  tail -c +1 --pid=\"$c\" -s 0.1 -f -- \"$s\" | h > \"$s.sha256.tmp\" &\n"
                + "  t=$!\n"
                + "fi\n"
                + "rc=0; wait \"$c\" || rc=$?\n"
                + "if [ -n \"$t\" ] && [ \"$rc\" = 0 ] && wait \"$t\"; then mv -f -- \"$s.sha256.tmp\" \"$s.sha256\"; fi\n"
                + "exit $rc\n";
    }

    /**
     * Checks the staged file against {@code sha} (the hash taken while it landed, else a full
     * pass), sets mode and owner, and renames it to {@code target}; a mismatch deletes the staged
     * copy and exits {@value #EXIT_CHECKSUM}. Runs with {@code allowFailure()}: callers map that
     * exit to a CHECKSUM failure.
     */
    public static RemoteCommand finish(String target, String staged, String sha, long size, String mode, String owner) {
        StringBuilder script = new StringBuilder("set -eu\numask 077\n")
                .append("s=").append(quote(staged)).append("; t=").append(quote(target))
                .append("; want=").append(sha).append('\n')
                .append(HASH_FN)
                .append("[ -f \"$s\" ] || { echo \"staged file $s is missing\" >&2; exit 66; }\n")
                .append("got=\n")
                .append("if [ -s \"$s.sha256\" ] && [ \"$(stat -c %s -- \"$s\")\" = ").append(size).append(" ]; then got=$(cat -- \"$s.sha256\"); fi\n")
                // the hash taken while the file landed is a shortcut; any doubt means a full pass
                .append("[ \"$got\" = \"$want\" ] || got=$(h < \"$s\")\n")
                .append("rm -f -- \"$s.sha256\"\n")
                .append("if [ \"$got\" != \"$want\" ]; then rm -f -- \"$s\"; echo \"sha256 mismatch on the host: got $got\" >&2; exit ")
                .append(EXIT_CHECKSUM).append("; fi\n")
                .append("if [ -d \"$t\" ]; then echo \"$t is a directory\" >&2; exit 66; fi\n")
                .append("chmod ").append(mode).append(" -- \"$s\"\n");
        if (owner != null) {
            script.append("chown ").append(quote(owner)).append(" -- \"$s\"\n");
        }
        script.append("d=$(dirname -- \"$t\")\n")
                .append("[ -d \"$d\" ] || (umask 022 && mkdir -p -- \"$d\")\n")
                // rename is atomic only within one file system; across two, copy to a hidden
                // name beside the target first, then rename that
                .append("if [ \"$(stat -c %d -- \"$s\")\" = \"$(stat -c %d -- \"$d\")\" ]; then\n")
                .append("  mv -f -- \"$s\" \"$t\"\n")
                .append("else\n")
                .append("  p=\"$d/.$(basename -- \"$t\").seed-bootstrap-partial\"\n")
                .append("  cp -p -- \"$s\" \"$p\" && mv -f -- \"$p\" \"$t\" && rm -f -- \"$s\"\n")
                .append("fi\n");
        return RemoteCommand.shell(script.toString(), "verify sha256 " + sha + " of " + staged
                + ", chmod " + mode + (owner != null ? ", chown " + owner : "") + ", mv to " + target)
                .asRoot().allowFailure();
    }

    /** The CHECKSUM failure for a {@link #finish} that exited {@value #EXIT_CHECKSUM}. */
    static String mismatch(ExecResult r) {
        return r.stderrTail(1).replace("sha256 mismatch on the host: got ", "sha256 ");
    }

    /**
     * A command printing {@code sha256 <hex>} when {@code path} is a regular file of
     * {@code size} bytes (nothing otherwise): whether a host already has a file.
     */
    public static RemoteCommand hashIfSize(String path, long size) {
        return RemoteCommand.shell(HASH_FN + "f=" + quote(path) + "\n"
                + "if [ -f \"$f\" ] && [ \"$(stat -c %s -- \"$f\")\" = " + size + " ]; then echo \"sha256 $(h < \"$f\")\"; fi\n",
                "sha256 of " + path + " if it has " + size + " bytes").asRoot();
    }

    /** The hash {@link #hashIfSize} printed, or null. */
    public static String parseHash(ExecResult r) {
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("sha256 ")) {
                return line.substring(7).trim();
            }
        }
        return null;
    }
}
