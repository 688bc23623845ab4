package io.seedbootstrap.node;

import static io.seedbootstrap.support.ShellQuote.quote;

import io.seedbootstrap.ssh.ExecResult;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.ssh.StagedFiles;
import io.seedbootstrap.ssh.Upload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** {@link NodeFiles} over SSH: one shell command per operation, as root. */
final class SshFiles implements NodeFiles {
    /** Where the parts of a split bundle file wait on the host until they are joined. */
    private static final String PARTS = StagedFiles.STATE_DIR + "/artifacts/parts";
    /** An upload may take this long to get through retries (a dropped link, a busy host). */
    private static final Duration UPLOAD_RETRIES = Duration.ofMinutes(10);

    private final RemoteHost remote;

    SshFiles(RemoteHost remote) {
        this.remote = remote;
    }

    @Override
    public Map<String, State> states(Collection<String> paths) {
        if (paths.isEmpty()) {
            return Map.of();
        }
        return parseStates(remote.exec(RemoteCommand.shell(statesScript(paths), "check " + paths.size() + " file(s)").asRoot()).stdout());
    }

    /**
     * The read-only script of {@link #states}: {@code = sha256 mode path} for a file whose record
     * stands, {@code ? mode path} for the others, then their hashes in one process
     * ({@code sha256 *path}, or {@code sha256  path}). A file rememberVerified recorded and untouched
     * since is not read: a converged re-run would otherwise hash every artifact (GiBs of image
     * archives) on every host (issue 22, P3); the others are hashed with openssl when present (SHA-NI,
     * ~4x coreutils). One stat, shell builtins and one hashing process for all files: a fork per file
     * costs ~10 ms on a busy host.
     */
    static String statesScript(Collection<String> paths) {
        StringBuilder records = new StringBuilder();
        StringBuilder quoted = new StringBuilder();
        for (String path : paths) {
            if (path.indexOf('\n') >= 0 || path.indexOf('\\') >= 0) {
                throw new IllegalArgumentException("a path with a line break or backslash (printed escaped): " + path);
            }
            records.append(quote(path)).append(") r=").append(quote(record(path))).append(";; ");
            quoted.append(' ').append(quote(path));
        }
        // stat's key fields are key()'s (rememberVerified), so a record matches "$key $f" exactly
        return StagedFiles.HASH_FN + "stat -c '%s %y %z %i %d|%a|%n' --" + quoted + " 2>/dev/null | {\n"
                + "set --\n"
                + "while IFS='|' read -r k m f; do\n"
                + "  [ -f \"$f\" ] || continue\n"
                + "  r=; case $f in " + records + "esac\n"
                + "  rs=; rk=; if [ -f \"$r\" ]; then { read -r rs; read -r rk; } < \"$r\"; fi\n"
                + "  if [ -n \"$rs\" ] && [ \"$rk\" = \"$k $f\" ]; then printf '= %s %s %s\\n' \"$rs\" \"$m\" \"$f\";"
                + " else printf '? %s %s\\n' \"$m\" \"$f\"; set -- \"$@\" \"$f\"; fi\n"
                + "done\n"
                + "if [ $# -gt 0 ]; then hf \"$@\"; fi\n"
                + "}\n";
    }

    static Map<String, State> parseStates(String out) {
        Map<String, State> states = new LinkedHashMap<>();
        Map<String, String> modes = new LinkedHashMap<>();
        Map<String, String> sums = new java.util.HashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("= ")) {
                String[] fields = line.split(" ", 4);
                if (fields.length == 4) {
                    states.put(fields[3], new State(fields[1], NodeFiles.normalMode(fields[2])));
                }
            } else if (line.startsWith("? ")) {
                String[] fields = line.split(" ", 3);
                if (fields.length == 3) {
                    modes.put(fields[2], fields[1]);
                }
            } else if (line.length() > 66 && line.substring(0, 64).matches("[0-9a-f]{64}") && line.charAt(64) == ' ') {
                // openssl -r: "sum *path"; sha256sum: "sum  path" (text mode) or "sum *path"
                sums.put(line.substring(66), line.substring(0, 64));
            }
        }
        modes.forEach((path, mode) -> {
            if (sums.containsKey(path)) {
                states.put(path, new State(sums.get(path), NodeFiles.normalMode(mode)));
            }
        });
        return states;
    }

    /** The record file of {@code path} in {@value NodeFiles#VERIFIED_DIR}: the path with every / as _. */
    static String record(String path) {
        return VERIFIED_DIR + "/" + path.replace('/', '_');
    }

    /** How PATH is on disk (size, mtime and ctime to the nanosecond, inode, device) and PATH itself: a record's second line. */
    private static final String KEY_FN = "key() { printf '%s %s' \"$(stat -c '%s %y %z %i %d' \"$1\")\" \"$1\"; }\n";

    @Override
    public void rememberVerified(Map<String, String> sha256ByPath) {
        if (sha256ByPath.isEmpty()) {
            return;
        }
        StringBuilder script = new StringBuilder("set -e; umask 077\n").append(KEY_FN)
                .append("mkdir -p ").append(quote(VERIFIED_DIR)).append("; chmod 0700 ").append(quote(VERIFIED_DIR)).append('\n');
        sha256ByPath.forEach((path, sha256) -> {
            if (!sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("not a sha256: " + sha256);
            }
            script.append("f=").append(quote(path)).append("; r=").append(quote(record(path))).append("; printf '%s\\n%s\\n' ").append(sha256)
                    .append(" \"$(key \"$f\")\" > \"$r.tmp\"; mv -f \"$r.tmp\" \"$r\"\n");
        });
        remote.exec(RemoteCommand.shell(script.toString(), "record the sha256 of " + sha256ByPath.size() + " placed file(s)").asRoot());
    }

    @Override
    public boolean exists(String path) {
        return remote.exec(RemoteCommand.shell("test -e " + quote(path)).asRoot().allowFailure()).ok();
    }

    @Override
    public List<String> existing(Collection<String> paths) {
        return parseExisting(remote.exec(RemoteCommand.shell(existingScript(paths), "which of " + paths.size() + " path(s) exist").asRoot())
                .stdout());
    }

    /** The read-only script of {@link #existing}: the paths that exist, one a line. */
    static String existingScript(Collection<String> paths) {
        StringBuilder probe = new StringBuilder("for p in");
        paths.forEach(p -> probe.append(' ').append(quote(p)));
        return probe.append("; do [ -e \"$p\" ] && echo \"$p\"; done; true").toString();
    }

    static List<String> parseExisting(String out) {
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    @Override
    public boolean hasContent(String path) {
        return remote.exec(RemoteCommand.shell("test -s " + quote(path)).asRoot().allowFailure()).ok();
    }

    @Override
    public boolean sameContent(String a, String b) {
        return remote.exec(RemoteCommand.shell("[ \"$(cat " + quote(a) + ")\" = \"$(cat " + quote(b) + ")\" ]",
                "compare " + a + " with " + b).asRoot().allowFailure()).ok();
    }

    @Override
    public String read(String path) {
        return remote.exec(RemoteCommand.shell("cat " + quote(path), "read " + path).asRoot()).stdout();
    }

    @Override
    public Optional<String> readIfPresent(String path) {
        ExecResult r = remote.exec(RemoteCommand.shell("if [ -f " + quote(path) + " ]; then cat " + quote(path) + "; else exit 3; fi",
                "read " + path).asRoot().allowFailure());
        if (r.exitCode() == 3) {
            return Optional.empty();
        }
        return Optional.of(r.orThrow().stdout());
    }

    @Override
    public Optional<byte[]> fetch(String path) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ExecResult result = remote.download(RemoteCommand.shell("if [ -f " + quote(path) + " ]; then cat " + quote(path) + "; else exit 3; fi",
                "read " + path).asRoot().allowFailure(), bytes);
        if (result.exitCode() == 3) {
            return Optional.empty();
        }
        result.orThrow();
        return Optional.of(bytes.toByteArray());
    }

    @Override
    public void download(String path, OutputStream sink, Duration timeout) {
        remote.download(RemoteCommand.shell("cat " + quote(path), "read " + path).asRoot().timeout(timeout), sink);
    }

    @Override
    public long size(String path) {
        return Long.parseLong(remote.exec(RemoteCommand.shell("stat -c %s " + quote(path)).asRoot()).stdout().strip());
    }

    @Override
    public List<String> list(List<String> folders) {
        StringBuilder script = new StringBuilder();
        for (String dir : folders) {
            script.append("[ -d ").append(quote(dir)).append(" ] && find ").append(quote(dir))
                    .append(" -maxdepth 1 -type f -name '[A-Za-z0-9]*' | sort; ");
        }
        script.append("true");
        List<String> files = new ArrayList<>();
        for (String line : remote.exec(RemoteCommand.shell(script.toString(), "list " + String.join(", ", folders)).asRoot()).stdout()
                .split("\n")) {
            if (!line.isBlank()) {
                files.add(line.strip());
            }
        }
        return files;
    }

    @Override
    public void write(String path, byte[] content, String mode) {
        String dir = path.substring(0, path.lastIndexOf('/'));
        String temp = dir + "/." + path.substring(path.lastIndexOf('/') + 1) + ".seed-bootstrap-new";
        String script = "set -e; [ -d " + quote(dir) + " ] || (umask 022; mkdir -p " + quote(dir) + "); umask 077; cat > " + quote(temp)
                + "; chmod " + mode + " " + quote(temp) + "; mv -f " + quote(temp) + " " + quote(path);
        remote.exec(RemoteCommand.shell(script, "write " + path + " (" + mode + ")").asRoot().stdin(RemoteCommand.Stdin.of(content)));
    }

    /**
     * One tar on stdin, unpacked into the staging folder first and copied over with the modes it
     * carries, so a partial transfer never reaches {@code folder}.
     */
    @Override
    public void writeAll(String folder, String folderMode, List<NewFile> files, String display) {
        byte[] tar = tar(files);
        String staged = StagedFiles.STAGING + "/" + folder.substring(folder.lastIndexOf('/') + 1);
        String script = "set -e; umask 077; rm -rf " + quote(staged) + "; mkdir -p " + quote(staged) + "; tar -x -C " + quote(staged)
                + " --no-same-owner\n"
                + "mkdir -p " + quote(folder) + "; chmod " + folderMode + " " + quote(folder) + "\n"
                + "cp -R --preserve=mode " + quote(staged) + "/. " + quote(folder) + "/; rm -rf " + quote(staged);
        remote.exec(RemoteCommand.shell(script, "write " + display + " to " + folder).asRoot().stdin(new RemoteCommand.Stdin() {
            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(tar);
            }

            @Override
            public String toString() {
                return "<" + display + ": redacted>";
            }
        }));
    }

    /** The files as one tar; folders they name get 0700 entries first. */
    static byte[] tar(List<NewFile> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            java.util.Set<String> folders = new java.util.LinkedHashSet<>();
            for (NewFile file : files) {
                for (int slash = file.relativePath().indexOf('/'); slash > 0; slash = file.relativePath().indexOf('/', slash + 1)) {
                    folders.add(file.relativePath().substring(0, slash + 1));
                }
            }
            for (String folder : folders) {
                TarArchiveEntry entry = new TarArchiveEntry(folder);
                entry.setMode(040700);
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }
            for (NewFile file : files) {
                TarArchiveEntry entry = new TarArchiveEntry(file.relativePath());
                entry.setSize(file.content().length);
                entry.setMode(0100000 | Integer.parseInt(file.mode(), 8));
                tar.putArchiveEntry(entry);
                tar.write(file.content());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void copy(String source, String target, String mode) {
        remote.exec(RemoteCommand.shell("install -m " + mode + " " + quote(source) + " " + quote(target)).asRoot());
    }

    @Override
    public void receive(String target, String sha256, Source source, String display, Duration timeout) {
        String dir = target.substring(0, target.lastIndexOf('/'));
        String temp = target + ".partial";
        String script = "set -e; umask 077; mkdir -p " + quote(dir) + "; chmod 0700 " + quote(dir) + "; cat > " + quote(temp) + "\n"
                + "sum=$(sha256sum < " + quote(temp) + " | cut -c1-64)\n"
                + "if [ \"$sum\" != " + quote(sha256) + " ]; then rm -f " + quote(temp) + "; echo \"received sha256 $sum\" >&2; exit 65; fi\n"
                + "mv -f " + quote(temp) + " " + quote(target);
        remote.exec(RemoteCommand.shell(script, "receive " + display + " into " + target).asRoot().timeout(timeout)
                .stdin(new RemoteCommand.Stdin() {
                    @Override
                    public void writeTo(OutputStream out) throws IOException {
                        source.writeTo(out);
                    }

                    @Override
                    public String toString() {
                        return display;
                    }
                }));
    }

    /**
     * Streamed and verified by the uploader (resumable, against the manifest's sha256); the parts
     * of a split file are joined on the host, checked against the whole file's sha256 and renamed
     * into place under a hidden name beside the target (same file system, and not an archive RKE2
     * would import meanwhile).
     */
    @Override
    public void upload(Copy copy, Semaphore gate) {
        if (!copy.split()) {
            remote.upload(Upload.of(copy.source(), copy.target()).mode(copy.mode()).gate(gate).retryFor(UPLOAD_RETRIES)
                    .expecting(copy.sha256(), copy.size()));
            return;
        }
        List<String> parts = new ArrayList<>();
        for (Copy.Part part : copy.parts()) {
            String partTarget = PARTS + "/" + part.name();
            remote.upload(Upload.of(part.source(), partTarget).mode("0600").gate(gate).retryFor(UPLOAD_RETRIES)
                    .expecting(part.sha256(), part.size()));
            parts.add(quote(partTarget));
        }
        String target = copy.target();
        String dir = target.substring(0, target.lastIndexOf('/'));
        String temp = dir + "/." + target.substring(target.lastIndexOf('/') + 1) + ".seed-bootstrap-partial";
        String script = "set -e; umask 077; mkdir -p " + quote(dir) + "; cat " + String.join(" ", parts) + " > " + quote(temp) + "\n"
                + "sum=$(sha256sum < " + quote(temp) + " | cut -c1-64)\n"
                + "if [ \"$sum\" != " + quote(copy.sha256()) + " ]; then rm -f " + quote(temp) + "; echo \"joined parts have sha256 $sum\" >&2; exit 65; fi\n"
                + "chmod " + copy.mode() + " " + quote(temp) + "; mv -f " + quote(temp) + " " + quote(target)
                + "; rm -f " + String.join(" ", parts);
        remote.exec(RemoteCommand.shell(script, "join " + parts.size() + " parts into " + target).asRoot());
    }

    @Override
    public void remove(String path) {
        remote.exec(RemoteCommand.shell("rm -f " + quote(path)).asRoot());
    }

    @Override
    public void removeTree(String path) {
        remote.exec(RemoteCommand.shell("rm -rf " + quote(path)).asRoot());
    }
}
