package io.seedbootstrap.ssh;

import static io.seedbootstrap.support.ShellQuote.quote;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

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

    /**
     * The host-side sha256: {@code hf FILE...} prints {@code sha256 *FILE} (or {@code sha256  FILE})
     * per file, {@code h} the bare sha256 of stdin; openssl uses the CPU's SHA extensions, ~4x coreutils here.
     */
    public static final String HASH_FN = "hf() { if command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r \"$@\";"
            + " else sha256sum \"$@\"; fi; }\nh() { hf | cut -c1-64; }\n";

    private StagedFiles() {}

    /** A file a host must end up with: at {@code target}, {@code size} bytes with {@code sha256}, mode and owner (null: root's). */
    public record Expected(String target, String sha256, long size, String mode, String owner) {}

    /** Where a transfer to {@code target} is staged: named by the target, so a retry finds it. */
    public static String stagedPath(String target) {
        return STAGING + "/" + HexFormat.of().formatHex(
                HashCache.newDigest().digest(target.getBytes(StandardCharsets.UTF_8))).substring(0, 32) + ".part";
    }

    /**
     * Exit code of {@link #receiveAndFinish} when the staged file is shorter than expected once
     * stdin ended (the stream stopped early): the staged prefix is kept, so a retry resumes.
     */
    public static final int EXIT_INCOMPLETE = 67;

    /**
     * Python 3 (when the host has it): appends stdin to argv[1] in reads of up to 1 MiB (at most
     * argv[2] bytes when given, so the next file of a stream is left on stdin for the next reader) and
     * hashes the same buffers on a second thread (hashlib is OpenSSL's SHA-256, SHA-NI where the
     * CPU has it, and releases the GIL), so writing and hashing overlap on a multi-core host;
     * prints the sha256 of the whole file, a resumed prefix included. One process instead of
     * cat + tail + openssl: about half the host CPU per GiB and no 8 KiB copies through tail
     * (docs/ssh.md, Throughput). A buffer is reused only once both its write and its hash are done.
     */
    static final String PY_RECEIVE = String.join("\n",
            "import hashlib, os, queue, sys, threading",
            "h = hashlib.sha256()",
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)",
            "left = int(sys.argv[2]) if len(sys.argv) > 2 else -1",
            "b = bytearray(1 << 20)",
            "while True:",
            "    n = os.readv(fd, [b])",
            "    if not n: break",
            "    h.update(memoryview(b)[:n])",
            "try:",
            "    import fcntl",
            "    fcntl.fcntl(0, 1031, 1 << 20)", // F_SETPIPE_SZ: fewer wake-ups per MiB; best effort
            "except Exception:",
            "    pass",
            "free, work = queue.Queue(), queue.Queue()",
            "for _ in range(4): free.put(bytearray(1 << 20))",
            "def hasher():",
            "    while True:",
            "        c = work.get()",
            "        if c is None: return",
            "        h.update(memoryview(c[0])[:c[1]])",
            "        free.put(c[0])",
            "t = threading.Thread(target=hasher, daemon=True)",
            "t.start()",
            "while True:",
            "    b = free.get()",
            "    want = len(b) if left < 0 else min(len(b), left)",
            "    n = os.readv(0, [memoryview(b)[:want]]) if want else 0",
            "    if not n: break",
            "    if left > 0: left -= n",
            "    work.put((b, n))",
            "    m = memoryview(b)",
            "    o = 0",
            "    while o < n: o += os.write(fd, m[o:n])",
            "work.put(None)",
            "t.join()",
            "os.close(fd)",
            "print(h.hexdigest())", "");

    /**
     * Shell text that appends stdin to {@code staged} (truncated first unless {@code append}),
     * hashing it as it lands into {@code $s.sha256}, so the check needs no second pass after the
     * transfer. With python3 one process writes and hashes ({@link #PY_RECEIVE}); without it
     * GNU tail follows the file cat writes and feeds {@code openssl dgst}/{@code sha256sum}.
     * {@link #finish} uses that hash only when the staged file has exactly the expected length.
     */
    public static String receiveScript(String staged, boolean append) {
        return receive(staged, append, -1) + "exit $rc\n";
    }

    /**
     * Shell text that splits stdin into the staged files of {@code files}, in order, each exactly
     * its size (the sender concatenates them), each hashed as it lands as {@link #receiveScript}
     * does; {@link #finishEach} checks and renames them. One stream for many files: one hop of the
     * relay carries a whole batch.
     */
    public static String receiveEachScript(List<Expected> files) {
        // one function, one call per file: the script's size hardly grows with the batch
        StringBuilder script = new StringBuilder("umask 077\n").append(HASH_FN).append("mkdir -p " + STAGING + "\n")
                .append("put() {\ns=$1\n").append(receiveInto(false, "\"$2\"")).append("}\n");
        for (Expected f : files) {
            script.append("put ").append(quote(stagedPath(f.target()))).append(' ').append(f.size())
                    .append("; [ \"$rc\" = 0 ] || exit \"$rc\"\n");
        }
        return script.append("exit 0\n").toString();
    }

    /**
     * The receive part: sets {@code rc} (the writer's exit code) and, when it is 0, {@code $s.sha256}.
     * {@code limit} >= 0: reads that many bytes of stdin at most, else to its end.
     */
    private static String receive(String staged, boolean append, long limit) {
        return "umask 077\ns=" + quote(staged) + "\n" + HASH_FN
                + "mkdir -p " + STAGING + "\n"
                + receiveInto(append, limit >= 0 ? String.valueOf(limit) : null);
    }

    /** {@link #receive} into {@code $s} ({@code h} defined); {@code limit}: a shell word, or null for all of stdin. */
    private static String receiveInto(boolean append, String limit) {
        return "rm -f -- \"$s.sha256\" \"$s.sha256.tmp\"\n"
                + (append ? "" : ": > \"$s\"\n")
                + "rc=0\n"
                + "if python3 -c 'import hashlib, os' >/dev/null 2>&1; then\n"
                + "  python3 -c " + quote(PY_RECEIVE) + " \"$s\"" + (limit != null ? " " + limit : "") + " > \"$s.sha256.tmp\" || rc=$?\n"
                + "  if [ \"$rc\" = 0 ]; then mv -f -- \"$s.sha256.tmp\" \"$s.sha256\"; fi\n"
                + "else\n"
                + "  exec 3<&0\n"
                // GNU head -c reads no more than it writes: the rest stays on stdin
                + "  " + (limit != null ? "head -c " + limit : "cat") + " <&3 >> \"$s\" &\n"
                + "  c=$!\n"
                + "  exec 3<&-\n"
                + "  t=\n"
                + "  if tail --version 2>/dev/null | grep -q GNU; then\n"
                + "    tail -c +1 --pid=\"$c\" -s 0.1 -f -- \"$s\" | h > \"$s.sha256.tmp\" &\n"
                + "    t=$!\n"
                + "  fi\n"
                + "  wait \"$c\" || rc=$?\n"
                + "  if [ -n \"$t\" ] && [ \"$rc\" = 0 ] && wait \"$t\"; then mv -f -- \"$s.sha256.tmp\" \"$s.sha256\"; fi\n"
                + "fi\n";
    }

    /**
     * Checks the staged file against {@code sha} (the hash taken while it landed, else a full
     * pass), sets mode and owner, and renames it to {@code target}; a mismatch deletes the staged
     * copy and exits {@value #EXIT_CHECKSUM}. Runs with {@code allowFailure()}: callers map that
     * exit to a CHECKSUM failure.
     */
    public static RemoteCommand finish(String target, String staged, String sha, long size, String mode, String owner) {
        String script = "set -eu\numask 077\ns=" + quote(staged) + "\n" + HASH_FN
                + finishScript(quote(target), sha, String.valueOf(size), mode, owner != null ? quote(owner) : null);
        return RemoteCommand.shell(script, "verify sha256 " + sha + " of " + staged
                + ", chmod " + mode + (owner != null ? ", chown " + owner : "") + ", mv to " + target)
                .asRoot().allowFailure();
    }

    /**
     * One command for a whole transfer of known content: stdin is written to {@code staged} and
     * hashed as it lands ({@link #receiveScript}), then, in the same shell, checked and renamed as
     * {@link #finish} does, so a transfer costs one exec instead of two. A staged file shorter than
     * {@code size} when stdin ends (the stream stopped early) is kept and exits
     * {@value #EXIT_INCOMPLETE}, so a retry resumes; a longer one or another sha256 is deleted
     * and exits {@value #EXIT_CHECKSUM}. The target is touched only after the check passed.
     */
    public static RemoteCommand receiveAndFinish(String target, String staged, boolean append, String sha, long size,
            String mode, String owner, Duration timeout) {
        String script = receive(staged, append, -1)
                + "[ \"$rc\" = 0 ] || exit \"$rc\"\n"
                + "n=$(stat -c %s -- \"$s\")\n"
                + "if [ \"$n\" -lt " + size + " ]; then echo \"the staged file has $n of " + size
                + " bytes: the stream ended early\" >&2; exit " + EXIT_INCOMPLETE + "; fi\n"
                + "set -eu\n"
                + finishScript(quote(target), sha, String.valueOf(size), mode, owner != null ? quote(owner) : null);
        return RemoteCommand.shell(script, "receive " + target + " into " + staged + (append ? " (resumed)" : "")
                + ", verify sha256 " + sha + ", chmod " + mode + (owner != null ? ", chown " + owner : "")
                + ", mv to " + target).asRoot().allowFailure().timeout(timeout);
    }

    /**
     * {@link #finish} for each of {@code files} in one command: every file is checked and renamed
     * (or deleted when its sha256 differs) on its own; prints {@code bad <index>} for each file
     * that did not match and exits {@value #EXIT_CHECKSUM} when any did, else the first other
     * failure's exit code (0 when all are in place).
     */
    public static RemoteCommand finishEach(List<Expected> files) {
        // fin: one file's check in a subshell (its set -e and exit end that file's only); k: its
        // exit code into rc and a "bad <index>" line
        StringBuilder script = new StringBuilder("umask 077\n").append(HASH_FN).append("rc=0\n")
                .append("fin() (\nset -eu\ns=$1\n").append(finishScript("\"$2\"", "$3", "$4", "$5", "\"$6\"")).append(")\n")
                .append("k() { if [ \"$1\" = ").append(EXIT_CHECKSUM).append(" ]; then echo \"bad $2\"; rc=").append(EXIT_CHECKSUM)
                .append("; elif [ \"$1\" != 0 ] && [ $rc = 0 ]; then rc=$1; fi; }\n");
        for (int i = 0; i < files.size(); i++) {
            Expected f = files.get(i);
            script.append("fin ").append(quote(stagedPath(f.target()))).append(' ').append(quote(f.target())).append(' ')
                    .append(f.sha256()).append(' ').append(f.size()).append(' ').append(f.mode()).append(' ')
                    .append(f.owner() != null ? quote(f.owner()) : "''").append("; k $? ").append(i).append('\n');
        }
        return RemoteCommand.shell(script.append("exit $rc\n").toString(),
                "verify sha256, chmod and mv into place: " + files.size() + " staged file(s)").asRoot().allowFailure();
    }

    /**
     * One command for many files: prints {@code <index> <sha256>} for each of {@code files}
     * whose target is a regular file of its size: which files a host already has; see {@link #parseHashes}.
     */
    public static RemoteCommand hashesIfSize(List<Expected> files) {
        StringBuilder script = new StringBuilder(HASH_FN).append("c() { if [ -f \"$2\" ] && [ \"$(stat -c %s -- \"$2\")\" = \"$3\" ];"
                + " then echo \"$1 $(h < \"$2\")\"; fi; }\n");
        for (int i = 0; i < files.size(); i++) {
            script.append("c ").append(i).append(' ').append(quote(files.get(i).target())).append(' ').append(files.get(i).size()).append('\n');
        }
        return RemoteCommand.shell(script.toString(), "sha256 of " + files.size() + " file(s) that have their size").asRoot();
    }

    /** What {@link #hashesIfSize} printed: index to sha256 (files without a line are absent or of another size). */
    public static Map<Integer, String> parseHashes(ExecResult r) {
        Map<Integer, String> hashes = new HashMap<>();
        for (String line : r.stdout().split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length == 2 && f[0].matches("[0-9]{1,6}")) {
                hashes.put(Integer.parseInt(f[0]), f[1]);
            }
        }
        return hashes;
    }

    /**
     * The check-and-rename part shared by {@link #finish}, {@link #receiveAndFinish} and {@link #finishEach} ({@code $s}, {@code h} set); each argument a shell word (a quoted
     * value or a parameter); {@code owner} null, or a word that may be empty, for no chown.
     */
    private static String finishScript(String target, String sha, String size, String mode, String owner) {
        StringBuilder script = new StringBuilder()
                .append("t=").append(target).append("; want=").append(sha).append('\n')
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
            script.append("o=").append(owner).append("; [ -z \"$o\" ] || chown \"$o\" -- \"$s\"\n");
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
        return script.toString();
    }

    /** The CHECKSUM failure for a {@link #finish} that exited {@value #EXIT_CHECKSUM}. */
    static String mismatch(ExecResult r) {
        return r.stderrTail(1).replace("sha256 mismatch on the host: got ", "sha256 ");
    }

}
