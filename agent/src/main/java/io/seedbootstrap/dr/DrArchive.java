package io.seedbootstrap.dr;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.pki.archive.ArchiveCipher;
import io.seedbootstrap.rke2.Rke2Version;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.PrivateFiles;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A DR archive on the operator's disk (docs/formats.md "DR archive"): a POSIX tar sealed by
 * {@link ArchiveCipher}, its entries streamed in and out one at a time (the etcd snapshot can be
 * many GiB and is never in memory), {@code manifest.json} last with every entry's sha256.
 */
public final class DrArchive {
    /** Entries other than snapshots are small files a restore keeps in memory; a bigger one is refused. */
    static final long SMALL_FILE_LIMIT = 16L << 20;
    /** All kept entries together (restore holds them in memory); a real seed's are a few MiB (manifests, PKI, tokens). */
    static final long KEPT_TOTAL_LIMIT = 64L << 20;
    /** Entries in one archive (each is remembered until the manifest is checked); a seed's are a few hundred. */
    static final int ENTRY_LIMIT = 100_000;
    static final String MANIFEST = "manifest.json";
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*(/[A-Za-z0-9][A-Za-z0-9._+-]*)*");

    private DrArchive() {}

    /** Content written into an entry as it streams (a download from a host, a local file). */
    @FunctionalInterface
    public interface Source {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes an archive to a 0600 temporary file beside the target, renamed into place by
     * {@link #finish} only, so a failed backup never leaves a file that looks like an archive.
     */
    public static final class Writer implements AutoCloseable {
        private final Path target;
        private final Path temp;
        private final TarArchiveOutputStream tar;
        private final List<DrManifest.Entry> entries = new ArrayList<>();
        private boolean finished;

        public Writer(Path target, Secret passphrase, ArchiveCipher.Params params) {
            this.target = target.toAbsolutePath();
            try {
                this.temp = PrivateFiles.createTempBeside(this.target, ".partial");
                OutputStream sealed = ArchiveCipher.encrypt(new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16), passphrase, params);
                this.tar = new TarArchiveOutputStream(sealed);
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            } catch (IOException e) {
                throw new SeedException(ExitCode.FAILED, "cannot write " + target + ": " + e.getMessage(), e);
            }
        }

        public void add(String path, DrManifest.Kind kind, String mode, byte[] content) {
            add(path, kind, mode, content.length, out -> out.write(content));
        }

        /** Streams {@code size} bytes from {@code source} into the entry, hashing them on the way; another size is an error. */
        public void add(String path, DrManifest.Kind kind, String mode, long size, Source source) {
            if (!SAFE_PATH.matcher(path).matches() || path.equals(MANIFEST)) {
                throw new IllegalArgumentException("not an archive path: " + path);
            }
            try {
                TarArchiveEntry entry = new TarArchiveEntry(path);
                entry.setSize(size);
                entry.setMode(Integer.parseInt(mode, 8) | 0100000);
                entry.setModTime(0);
                tar.putArchiveEntry(entry);
                MessageDigest sha = sha256();
                CountingStream counted = new CountingStream(new DigestOutputStream(new NonClosing(tar), sha));
                source.writeTo(counted);
                if (counted.count != size) {
                    throw new IOException(path + ": expected " + size + " bytes, got " + counted.count);
                }
                tar.closeArchiveEntry();
                entries.add(new DrManifest.Entry(path, kind.key(), size, HexFormat.of().formatHex(sha.digest()), mode));
            } catch (IOException e) {
                throw new SeedException(ExitCode.FAILED, "writing " + path + " into " + target + " failed: " + e.getMessage(), e);
            }
        }

        /** Writes manifest.json (entries filled in), seals the last chunk and renames the file into place. */
        public DrManifest finish(DrManifest header) {
            DrManifest manifest = new DrManifest(DrManifest.FORMAT, header.createdAt(), header.createdBy(), header.cluster(),
                    header.rke2Version(), header.bootstrapServer(), header.snapshot(), header.rootKeys(),
                    header.nodes() == null ? null : List.copyOf(header.nodes()), List.copyOf(entries));
            try {
                byte[] json = mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
                TarArchiveEntry entry = new TarArchiveEntry(MANIFEST);
                entry.setSize(json.length);
                entry.setMode(0100600);
                entry.setModTime(0);
                tar.putArchiveEntry(entry);
                tar.write(json);
                tar.closeArchiveEntry();
                tar.close();
                PrivateFiles.replace(temp, target);
                finished = true;
                return manifest;
            } catch (IOException e) {
                throw new SeedException(ExitCode.FAILED, "writing " + target + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (!finished) {
                try {
                    tar.close();
                } catch (IOException | RuntimeException ignored) {
                    // the partial file is removed below either way
                }
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a hidden .partial file; nothing else depends on it
                }
            }
        }
    }

    /**
     * An archive read through once and found whole: every chunk authenticated to the end, every
     * entry's size and sha256 as the manifest lists them, nothing missing or extra, and what a
     * restore needs inside. Small entries are kept ({@code contents}, secrets among them: never
     * print them); snapshots are only hashed, and read again with {@link #copyEntry}.
     */
    public record Verified(Path file, DrManifest manifest, Map<String, byte[]> contents, long archiveSize) {
        public byte[] content(String path) {
            byte[] c = contents.get(path);
            if (c == null) {
                throw new IllegalArgumentException(path + " is not in the archive");
            }
            return c;
        }

        public String text(String path) {
            return new String(content(path), StandardCharsets.UTF_8);
        }

        public DrManifest.Entry snapshot() {
            return manifest.entry(manifest.snapshot()).orElseThrow();
        }
    }

    /**
     * Reads the whole archive once, keeping the small entries a restore needs (at most
     * {@link #KEPT_TOTAL_LIMIT} in all); refuses (exit 2, nothing else done) anything that is not
     * a whole archive of ours.
     */
    public static Verified verify(Path file, Secret passphrase) {
        return read(file, passphrase, true);
    }

    /**
     * The same checks as {@link #verify}, streaming every entry through its hash and keeping
     * none ({@code backup verify}, reset's backup check): memory stays one chunk whatever the
     * archive holds. The result's {@code contents} is empty.
     */
    public static Verified check(Path file, Secret passphrase) {
        return read(file, passphrase, false);
    }

    private static Verified read(Path file, Secret passphrase, boolean keepContents) {
        Map<String, byte[]> contents = new LinkedHashMap<>();
        long keptTotal = 0;
        Map<String, DrManifest.Entry> seen = new LinkedHashMap<>();
        DrManifest manifest = null;
        try (InputStream plain = open(file, passphrase); TarArchiveInputStream tar = new TarArchiveInputStream(plain)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                if (manifest != null) {
                    throw refused(file, "it has entries after manifest.json");
                }
                if (seen.size() >= ENTRY_LIMIT) {
                    throw refused(file, "it has more than " + ENTRY_LIMIT + " entries");
                }
                if (!entry.isFile() || !(SAFE_PATH.matcher(name).matches()) || seen.containsKey(name)) {
                    throw refused(file, "entry " + name + " is not a plain, unique, relative file");
                }
                boolean small = !name.startsWith(DrManifest.SNAPSHOTS);
                if (small && entry.getSize() > SMALL_FILE_LIMIT) {
                    throw refused(file, "entry " + name + " is larger than " + (SMALL_FILE_LIMIT >> 20) + " MiB");
                }
                boolean keep = small && (keepContents || name.equals(MANIFEST));
                if (keep && (keptTotal += entry.getSize()) > KEPT_TOTAL_LIMIT) {
                    throw refused(file, "its entries other than snapshots add up to more than " + (KEPT_TOTAL_LIMIT >> 20)
                            + " MiB (a seed's configuration, PKI and tokens are a few MiB)");
                }
                MessageDigest sha = sha256();
                java.io.ByteArrayOutputStream kept = keep ? new java.io.ByteArrayOutputStream((int) entry.getSize()) : null;
                CountingStream sink = new CountingStream(new DigestOutputStream(kept != null ? kept : OutputStream.nullOutputStream(), sha));
                tar.transferTo(sink);
                if (name.equals(MANIFEST)) {
                    manifest = parseManifest(file, kept.toByteArray());
                    continue;
                }
                seen.put(name, new DrManifest.Entry(name, null, sink.count, HexFormat.of().formatHex(sha.digest()), null));
                if (kept != null) {
                    contents.put(name, kept.toByteArray());
                }
            }
            // the tar's end-of-archive blocks do not reach the cipher's last chunk: read to the end so it authenticates
            plain.transferTo(OutputStream.nullOutputStream());
        } catch (ArchiveCipher.WrongPassphraseException e) {
            throw SeedException.badInput(file + ": the passphrase does not open this archive (nothing was changed)");
        } catch (ArchiveCipher.DamagedArchiveException e) {
            throw refused(file, e.getMessage());
        } catch (NoSuchFileException e) {
            throw SeedException.badInput(file + ": no such file");
        } catch (IOException e) {
            throw refused(file, "it cannot be read as a DR archive (" + e.getMessage() + ")");
        }
        if (manifest == null) {
            throw refused(file, "it has no manifest.json");
        }
        check(file, manifest, seen);
        return new Verified(file, manifest, Map.copyOf(contents), size(file));
    }

    /** The manifest's promises against what was read, and what a restore cannot do without. */
    private static void check(Path file, DrManifest manifest, Map<String, DrManifest.Entry> seen) {
        List<String> problems = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (DrManifest.Entry e : manifest.files()) {
            listed.add(e.path());
            DrManifest.Entry got = seen.get(e.path());
            if (got == null) {
                problems.add(e.path() + " is listed but missing");
            } else if (got.size() != e.size() || !got.sha256().equals(e.sha256())) {
                problems.add(e.path() + " does not match its manifest size/sha256");
            }
        }
        seen.keySet().stream().filter(p -> !listed.contains(p)).forEach(p -> problems.add(p + " is not listed in manifest.json"));
        if (manifest.snapshot() == null || manifest.entry(manifest.snapshot()).filter(e -> e.kind().equals(DrManifest.Kind.ETCD_SNAPSHOT.key()))
                .isEmpty()) {
            problems.add("it holds no etcd snapshot");
        }
        // contract C: without the original server token the snapshot cannot be restored anywhere
        if (manifest.entry(DrManifest.SERVER_TOKEN).isEmpty()) {
            problems.add("it holds no server token (" + DrManifest.SERVER_TOKEN + "): the snapshot cannot be restored without it (contract C)");
        }
        if (manifest.entry(DrManifest.AGENT_TOKEN).isEmpty()) {
            problems.add("it holds no agent token (" + DrManifest.AGENT_TOKEN + ")");
        }
        if (manifest.rke2Version() == null || Rke2Version.find(manifest.rke2Version()).isEmpty()) {
            problems.add("its RKE2 version is missing or not vX.Y.Z+rke2rN");
        }
        if (!problems.isEmpty()) {
            throw refused(file, String.join("; ", problems));
        }
    }

    /**
     * Streams one entry of an archive {@link #verify verified} before into {@code out}, checking
     * its sha256 again (the file could have changed since). Used for the snapshot.
     */
    public static void copyEntry(Verified archive, String path, Secret passphrase, OutputStream out) throws IOException {
        DrManifest.Entry wanted = archive.manifest().entry(path).orElseThrow(() -> new IllegalArgumentException(path));
        try (InputStream plain = open(archive.file(), passphrase); TarArchiveInputStream tar = new TarArchiveInputStream(plain)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.getName().equals(path)) {
                    MessageDigest sha = sha256();
                    tar.transferTo(new DigestOutputStream(new NonClosing(out), sha));
                    if (!HexFormat.of().formatHex(sha.digest()).equals(wanted.sha256())) {
                        throw new IOException(archive.file() + " changed since it was verified (" + path + ")");
                    }
                    return;
                }
            }
        }
        throw new IOException(archive.file() + " changed since it was verified (" + path + " is gone)");
    }

    private static InputStream open(Path file, Secret passphrase) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            return ArchiveCipher.decrypt(raw, passphrase);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    private static DrManifest parseManifest(Path file, byte[] json) {
        try {
            DrManifest manifest = mapper().readValue(json, DrManifest.class);
            if (!DrManifest.FORMAT.equals(manifest.format())) {
                throw refused(file, "its format is " + manifest.format() + ", this seed-bootstrap reads " + DrManifest.FORMAT);
            }
            if (manifest.files() == null) {
                throw refused(file, "its manifest.json lists no files");
            }
            return manifest;
        } catch (IOException e) {
            throw refused(file, "its manifest.json is not valid (" + e.getMessage() + ")");
        }
    }

    private static SeedException refused(Path file, String why) {
        return SeedException.badInput(file + " is not a whole DR archive: " + why + " (nothing was changed)");
    }

    static ObjectMapper mapper() {
        return new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** Sources and sinks must not close the tar stream under us. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
