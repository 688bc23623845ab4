package io.seedbootstrap.bundle;

import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.bundle.format.KubeVersionRange;
import io.seedbootstrap.bundle.format.SafeNames;
import io.seedbootstrap.bundle.format.SemVer;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestCodec;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.bundle.manifest.SignatureFile;
import io.seedbootstrap.pki.signing.Signatures;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * Checks a bundle before anything uses it (bundle verify, install, restore): the signature
 * first — an unsigned bundle or one signed by a key other than the pinned one is refused before
 * its manifest is even parsed — then the manifest's paths (relative, no "..", FAT32-valid),
 * the directory (missing, unexpected, symbolic links) and every file's size and SHA-256, hashed
 * in parallel on a bounded number of threads, streamed. Every problem is reported, not just the
 * first.
 */
public final class BundleVerifier {
    private static final Pattern OS_LITTER = Pattern.compile(
            "^(\\.DS_Store|\\._.*|\\.Trashes|\\.fseventsd|\\.Spotlight-V100|System Volume Information|\\$RECYCLE\\.BIN|desktop\\.ini|Thumbs\\.db)$");

    private final int threads;
    private final Progress progress;
    private final VerifiedFiles remembered;

    /** @param threads how many files to hash at once (the CLI uses the number of cores) */
    public BundleVerifier(int threads, Progress progress) {
        this(threads, progress, VerifiedFiles.none());
    }

    private BundleVerifier(int threads, Progress progress, VerifiedFiles remembered) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.threads = threads;
        this.progress = progress;
        this.remembered = remembered;
    }

    /**
     * This verifier, skipping the hash of a file that {@code files} says hashed right before and is
     * unchanged on disk since, and remembering what it hashes right (install's re-runs, issue 22 P3;
     * {@link VerifiedFiles} says why that is safe). Signature, manifest and listing are checked always.
     */
    public BundleVerifier remembering(VerifiedFiles files) {
        return new BundleVerifier(threads, progress, files);
    }

    /** Which signer to trust: a pinned fingerprint and where the pin came from, or none (any signer, reported as unpinned). */
    public record Trust(String fingerprint, String pinnedBy) {
        public static Trust none() {
            return new Trust(null, null);
        }

        /**
         * The pin as {@code ssh-keygen -lf} prints it: a padded {@code SHA256:...=} (the same digest in
         * base64 with its padding, which the format check admits) or a lower-case prefix is normalised,
         * so it matches the signer's fingerprint as host-key pins do ({@code ssh/Fingerprints.same}).
         */
        public static Trust pinned(String fingerprint, String pinnedBy) {
            String pin = fingerprint.strip();
            if (pin.regionMatches(true, 0, "SHA256:", 0, 7)) {
                pin = "SHA256:" + pin.substring(7);
            }
            while (pin.endsWith("=")) {
                pin = pin.substring(0, pin.length() - 1);
            }
            return new Trust(pin, pinnedBy);
        }

        public boolean isPinned() {
            return fingerprint != null;
        }
    }

    /** A problem with one file of the bundle (or the bundle as a whole when path is "."). */
    public record Problem(String path, String message) {
        public String render() {
            return path + ": " + message;
        }
    }

    /**
     * The outcome of a verification; {@link #manifest()} is null when the signature step failed.
     * {@code realDirectory} is the directory's real path, resolved once: what was read and hashed,
     * and what {@link #orThrow()} hands on, so a bundle path that is a symbolic link re-pointed later
     * does not change which files are installed.
     */
    public record Report(Path directory, Path realDirectory, BundleManifest manifest, String signer, boolean signerPinned, List<Problem> problems,
            List<String> notes, long bytesHashed, Duration elapsed) {
        public boolean ok() {
            return problems.isEmpty();
        }

        /** The verified bundle, or a {@link VerificationFailedException} (exit 1) naming every problem. */
        public VerifiedBundle orThrow() {
            if (!ok()) {
                throw new VerificationFailedException(this);
            }
            return new VerifiedBundle(realDirectory, manifest, signer);
        }
    }

    /** Exit 1 with every problem in the message, one per line. */
    public static final class VerificationFailedException extends SeedException {
        private final transient Report report;

        VerificationFailedException(Report report) {
            super(ExitCode.FAILED, "bundle " + report.directory() + " failed verification ("
                    + report.problems().size() + (report.problems().size() == 1 ? " problem" : " problems") + "):\n  "
                    + String.join("\n  ", report.problems().stream().map(Problem::render).toList()));
            this.report = report;
        }

        public Report report() {
            return report;
        }
    }

    /**
     * Checks only the signature and reads the manifest (no file hashing): what bundle inspect
     * shows. Any signer is accepted and reported; an unsigned or tampered manifest is refused.
     */
    public static Report readSigned(Path directory) {
        long started = System.nanoTime();
        Path root = realDirectory(directory);
        List<Problem> problems = new ArrayList<>();
        Signed signed = checkSignature(root, Trust.none(), problems);
        BundleManifest manifest = null;
        if (signed != null) {
            try {
                manifest = ManifestCodec.read(signed.manifestBytes());
            } catch (ManifestCodec.MalformedManifestException e) {
                problems.add(new Problem(SignatureFile.MANIFEST, e.getMessage()));
            }
        }
        return new Report(directory, root, manifest, signed == null ? null : signed.fingerprint(), false, problems, List.of(), 0,
                elapsed(started));
    }

    private static Path realDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw SeedException.badInput(directory + ": no such bundle directory");
        }
        try {
            return directory.toRealPath();
        } catch (IOException e) {
            throw SeedException.badInput(directory + ": cannot open (" + e.getMessage() + ")");
        }
    }

    public Report verify(Path directory, Trust trust) {
        long started = System.nanoTime();
        Path root = realDirectory(directory);
        DiskListing disk = listDisk(root);
        try (RangeHasher hasher = new RangeHasher(root, threads)) {
            hasher.guess(guesses(root, disk)); // every core hashes while this thread checks the signature and manifest
            return verify(directory, root, trust, started, disk, hasher);
        }
    }

    private Report verify(Path directory, Path root, Trust trust, long started, DiskListing disk, RangeHasher hasher) {
        List<Problem> problems = new ArrayList<>();
        Signed signed = checkSignature(root, trust, problems);
        if (signed == null) {
            return new Report(directory, root, null, null, trust.isPinned(), problems, List.of(), 0, elapsed(started));
        }
        BundleManifest manifest;
        try {
            manifest = ManifestCodec.read(signed.manifestBytes());
        } catch (ManifestCodec.MalformedManifestException e) {
            problems.add(new Problem(SignatureFile.MANIFEST, e.getMessage()));
            return new Report(directory, root, null, signed.fingerprint(), trust.isPinned(), problems, List.of(), 0, elapsed(started));
        }
        Map<String, ManifestFile.FilePart> expected = checkManifest(manifest, problems);
        // the listing's problems count only now the signature is good: nothing is trusted before it
        problems.addAll(disk.problems());
        List<String> notes = new ArrayList<>(disk.notes());
        List<ManifestFile.FilePart> present = new ArrayList<>();
        for (ManifestFile.FilePart piece : expected.values()) {
            if (disk.regularFiles().containsKey(piece.path())) {
                present.add(piece);
            } else if (!disk.coveredByLinkProblem(piece.path())) {
                problems.add(new Problem(piece.path(), "missing (the manifest lists " + piece.size() + " bytes)"));
            }
        }
        for (String path : disk.regularFiles().keySet()) {
            if (!expected.containsKey(path) && !ManifestCodec.isBundleMetadata(path)) {
                problems.add(new Problem(path, "unexpected file: not in the signed manifest"));
            }
        }
        long hashed = hashAll(root, present, manifest.chunkBytes(), problems, notes, hasher);
        problems.sort(Comparator.comparing(Problem::path).thenComparing(Problem::message));
        return new Report(directory, root, manifest, signed.fingerprint(), trust.isPinned(), List.copyOf(problems), List.copyOf(notes), hashed,
                elapsed(started));
    }

    /**
     * What to hash before the manifest is trusted: every listed file in the chunks bundle create makes, but not a
     * file remembered as verified in its present state (install's re-runs hash nothing: P3).
     */
    private List<RangeHasher.Range> guesses(Path root, DiskListing disk) {
        List<RangeHasher.Range> ranges = new ArrayList<>();
        disk.regularFiles().forEach((path, size) -> {
            if (!ManifestCodec.isBundleMetadata(path) && !(remembered.remembers()
                    && VerifiedFiles.State.of(root.resolve(path)).map(state -> remembered.knows(root.resolve(path), state)).orElse(false))) {
                ranges.addAll(RangeHasher.chunksOf(path, size, BundleManifest.DEFAULT_CHUNK_SIZE));
            }
        });
        return ranges;
    }

    private record Signed(byte[] manifestBytes, String fingerprint) {}

    /** Returns the verified manifest bytes and signer, or null with the reason in problems. */
    private static Signed checkSignature(Path root, Trust trust, List<Problem> problems) {
        Path manifestFile = root.resolve(SignatureFile.MANIFEST);
        Path signatureFile = root.resolve(SignatureFile.SIGNATURE);
        if (!Files.exists(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
            problems.add(new Problem(SignatureFile.MANIFEST, "missing: this is not a seed-bootstrap bundle, or bundle create did not finish"));
            return null;
        }
        if (!Files.exists(signatureFile, LinkOption.NOFOLLOW_LINKS)) {
            problems.add(new Problem(SignatureFile.SIGNATURE, "missing: the bundle is unsigned; refusing it (bundle create signs every bundle)"));
            return null;
        }
        byte[] manifestBytes;
        SignatureFile signature;
        try {
            manifestBytes = readSmallRegularFile(manifestFile, ManifestCodec.MAX_MANIFEST_BYTES);
            signature = ManifestCodec.readSignature(readSmallRegularFile(signatureFile, ManifestCodec.MAX_SIGNATURE_BYTES));
        } catch (IOException | ManifestCodec.MalformedManifestException e) {
            problems.add(new Problem(e instanceof NotRegularException n ? n.path : SignatureFile.SIGNATURE, e.getMessage()));
            return null;
        }
        if (!Signatures.ALGORITHM.equals(signature.algorithm())) {
            problems.add(new Problem(SignatureFile.SIGNATURE, "signed with " + signature.algorithm() + "; bundles are signed with "
                    + Signatures.ALGORITHM));
            return null;
        }
        PublicKey key;
        byte[] signatureBytes;
        try {
            key = Signatures.publicKeyFromDer(Base64.getDecoder().decode(signature.publicKey()));
            signatureBytes = Base64.getDecoder().decode(signature.signature());
        } catch (IllegalArgumentException | java.security.spec.InvalidKeySpecException e) {
            problems.add(new Problem(SignatureFile.SIGNATURE, "damaged: its public key or signature is not valid base64 Ed25519 data"));
            return null;
        }
        String fingerprint = Signatures.fingerprint(key);
        if (trust.isPinned() && !trust.fingerprint().equals(fingerprint)) {
            problems.add(new Problem(SignatureFile.SIGNATURE, "signed by " + fingerprint + ", but the trusted bundle-signing key is "
                    + trust.fingerprint() + " (" + trust.pinnedBy() + "); refusing a bundle signed by another key"));
            return null;
        }
        if (!Signatures.verify(key, manifestBytes, signatureBytes)) {
            problems.add(new Problem(SignatureFile.MANIFEST, "does not match its signature (" + SignatureFile.SIGNATURE + ", key "
                    + fingerprint + "): the manifest was changed after signing or the signature is damaged; refusing the bundle"));
            return null;
        }
        return new Signed(manifestBytes, fingerprint);
    }

    /**
     * Checks every manifest path and part; returns the pieces expected on disk by path (only
     * those with safe paths: an unsafe path is reported and never opened).
     */
    private static Map<String, ManifestFile.FilePart> checkManifest(BundleManifest manifest, List<Problem> problems) {
        Map<String, ManifestFile.FilePart> expected = new HashMap<>();
        Map<String, String> folded = new HashMap<>();
        SemVer kubernetes = SemVer.parse(manifest.kubernetesVersion()).orElse(null);
        for (ManifestFile file : manifest.files()) {
            Optional<String> unsafe = SafeNames.problem(file.path());
            if (unsafe.isPresent()) {
                problems.add(new Problem(file.path(), unsafe.get() + "; refusing this manifest entry"));
                continue;
            }
            if (ManifestCodec.isBundleMetadata(file.path())) {
                problems.add(new Problem(file.path(), "the manifest lists the bundle's own metadata file as content"));
                continue;
            }
            List<ManifestFile.FilePart> pieces = file.storedPieces();
            if (file.isSplit()) {
                long sum = 0;
                for (int i = 0; i < file.parts().size(); i++) {
                    ManifestFile.FilePart part = file.parts().get(i);
                    sum += part.size();
                    if (!part.path().equals(ManifestFile.partPath(file.path(), i))) {
                        problems.add(new Problem(part.path(), "part " + i + " of " + file.path() + " must be named "
                                + ManifestFile.partPath(file.path(), i)));
                    }
                }
                if (sum != file.size()) {
                    problems.add(new Problem(file.path(), "its parts add up to " + sum + " bytes, the manifest says " + file.size()));
                }
            }
            if (file.isSplit() && !file.chunks().isEmpty()) {
                problems.add(new Problem(file.path(), "a split file carries its chunk hashes in its parts, not in the file entry"));
            }
            for (ManifestFile.FilePart piece : pieces) {
                long chunks = ManifestFile.chunkCount(piece.size(), manifest.chunkBytes());
                if (!piece.chunks().isEmpty() && piece.chunks().size() != chunks) {
                    problems.add(new Problem(piece.path(), "the manifest lists " + piece.chunks().size() + " chunk hashes; "
                            + piece.size() + " bytes in chunks of " + manifest.chunkBytes() + " make " + chunks));
                } else if (piece.chunks().isEmpty() && chunks > 0) {
                    problems.add(new Problem(piece.path(), "the manifest lists no chunk hashes; " + piece.size() + " bytes in chunks of "
                            + manifest.chunkBytes() + " need " + chunks + " (" + manifest.format() + ")"));
                }
                Optional<String> bad = SafeNames.problem(piece.path());
                if (bad.isPresent()) {
                    problems.add(new Problem(piece.path(), bad.get() + "; refusing this manifest entry"));
                    continue;
                }
                String previous = folded.putIfAbsent(SafeNames.caseFolded(piece.path()), piece.path());
                if (previous != null) {
                    problems.add(new Problem(piece.path(), "listed twice in the manifest" + (previous.equals(piece.path()) ? ""
                            : " (as " + previous + "; FAT32 does not tell letter case apart)")));
                    continue;
                }
                expected.put(piece.path(), piece);
            }
            if ((file.kind() == FileKind.CHART || file.kind() == FileKind.CATALOG_CHART) && file.kubeVersion() != null && kubernetes != null) {
                Optional<KubeVersionRange> range = KubeVersionRange.tryParse(file.kubeVersion());
                if (range.isPresent() && !range.get().admits(kubernetes)) {
                    problems.add(new Problem(file.path(), io.seedbootstrap.bundle.bom.BomLoader.notAdmitted(file.chart(), file.version(),
                            file.kubeVersion(), kubernetes, manifest.rke2Version())));
                }
            }
        }
        return expected;
    }

    /**
     * What is on disk: regular files by bundle path with their sizes, the symbolic links, and what
     * the listing found wrong (links, other file types, unreadable entries) or ignored (OS litter).
     */
    private record DiskListing(Map<String, Long> regularFiles, Set<String> links, List<Problem> problems, List<String> notes) {
        boolean coveredByLinkProblem(String path) {
            for (String link : links) {
                if (path.equals(link) || path.startsWith(link + "/")) {
                    return true;
                }
            }
            return false;
        }
    }

    private static DiskListing listDisk(Path root) {
        Map<String, Long> regular = new HashMap<>();
        Set<String> links = new HashSet<>();
        List<Problem> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    if (!dir.equals(root) && OS_LITTER.matcher(dir.getFileName().toString()).matches()) {
                        notes.add("ignored " + relative(root, dir) + "/ (operating-system metadata)");
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    String path = relative(root, file);
                    if (attributes.isSymbolicLink()) {
                        links.add(path);
                        problems.add(new Problem(path, describeLink(root, file)));
                    } else if (!attributes.isRegularFile()) {
                        problems.add(new Problem(path, "not a regular file; a bundle holds regular files only"));
                    } else if (OS_LITTER.matcher(file.getFileName().toString()).matches()) {
                        notes.add("ignored " + path + " (operating-system metadata)");
                    } else {
                        regular.put(path, attributes.size());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    problems.add(new Problem(relative(root, file), "cannot be read (" + e.getMessage() + ")"));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw SeedException.failed("cannot list " + root + ": " + e.getMessage(), e);
        }
        return new DiskListing(regular, links, problems, notes);
    }

    private static String describeLink(Path root, Path link) {
        String target;
        try {
            target = Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            target = "?";
        }
        Path resolved = link.getParent().resolve(target).normalize();
        boolean escapes = !resolved.startsWith(root);
        try {
            escapes |= Files.exists(link) && !link.toRealPath().startsWith(root);
        } catch (IOException e) {
            // a dangling link: judged by its text alone
        }
        return escapes ? "symbolic link to " + target + ", which escapes the bundle directory; refusing it"
                : "symbolic link to " + target + "; a bundle holds regular files only (FAT32 has no links)";
    }

    /**
     * A range of a stored piece to hash and the sha256 it must have: a whole piece, or one chunk
     * of a piece whose manifest entry carries chunk hashes (format v2).
     */
    private record Work(ManifestFile.FilePart piece, RangeHasher.Range range, String sha256, int chunk, int chunks) {}

    /**
     * Compares every piece's ranges with the manifest, on the hasher's threads; returns the bytes read. A piece
     * with chunk hashes is compared chunk by chunk, so one large file keeps every thread busy (P4,
     * scripts/bench-verify.sh); other pieces whole. The ranges guessed before the manifest was read are
     * most of them, often hashed already.
     */
    private long hashAll(Path root, List<ManifestFile.FilePart> pieces, long chunkSize, List<Problem> problems, List<String> notes,
            RangeHasher hasher) {
        List<Work> work = new ArrayList<>();
        long total = 0;
        Map<ManifestFile.FilePart, VerifiedFiles.State> before = new HashMap<>();
        long skippedFiles = 0;
        long skippedBytes = 0;
        for (ManifestFile.FilePart piece : pieces) {
            try {
                long size = Files.size(root.resolve(piece.path()));
                if (size != piece.size()) {
                    problems.add(new Problem(piece.path(), "size is " + size + " bytes, the manifest says " + piece.size()
                            + (size < piece.size() ? " (truncated)" : " (grown)")));
                    continue;
                }
            } catch (IOException e) {
                problems.add(new Problem(piece.path(), "cannot be read (" + e.getMessage() + ")"));
                continue;
            }
            if (remembered.remembers()) {
                Optional<VerifiedFiles.State> state = VerifiedFiles.State.of(root.resolve(piece.path()));
                if (state.isPresent() && remembered.verified(root.resolve(piece.path()), piece.sha256(), state.get())) {
                    skippedFiles++;
                    skippedBytes += piece.size();
                    continue;
                }
                state.ifPresent(s -> before.put(piece, s));
            }
            total += piece.size();
            int chunks = piece.chunks().size();
            if (chunks > 0 && chunks == ManifestFile.chunkCount(piece.size(), chunkSize)) {
                List<RangeHasher.Range> ranges = RangeHasher.chunksOf(piece.path(), piece.size(), chunkSize);
                for (int i = 0; i < chunks; i++) {
                    work.add(new Work(piece, ranges.get(i), piece.chunks().get(i), i, chunks));
                }
            } else {
                work.add(new Work(piece, new RangeHasher.Range(piece.path(), 0, piece.size()), piece.sha256(), 0, 0));
            }
        }
        work.sort(Comparator.comparingLong((Work w) -> w.range().length()).reversed()); // stable: a piece's chunks stay in order
        List<Future<RangeHasher.Digest>> digests = new ArrayList<>();
        work.forEach(w -> digests.add(hasher.want(w.range())));
        hasher.dropUnwanted();
        progress.begin("verifying", total, pieces.size());
        long read = 0;
        List<Problem> found = new ArrayList<>();
        try {
            for (int i = 0; i < work.size(); i++) {
                RangeHasher.Digest digest = RangeHasher.await(digests.get(i));
                progress.advance(work.get(i).range().length());
                read += Math.max(0, digest.bytesRead());
                compare(work.get(i), digest).ifPresent(found::add);
            }
        } finally {
            progress.end();
        }
        problems.addAll(found);
        if (remembered.remembers()) {
            remember(root, before, found);
            if (skippedFiles > 0) {
                notes.add(skippedFiles + " file(s), " + skippedBytes + " bytes, unchanged on disk since an earlier verification: not hashed"
                        + " again (each is checked against the manifest's sha256 again when it is uploaded or read)");
            }
        }
        return read;
    }

    /** Remembers the pieces that hashed right and did not change while they were hashed; forgets the others. */
    private void remember(Path root, Map<ManifestFile.FilePart, VerifiedFiles.State> before, List<Problem> found) {
        Set<String> bad = new HashSet<>();
        found.forEach(p -> bad.add(p.path()));
        before.forEach((piece, state) -> {
            Path file = root.resolve(piece.path());
            if (!bad.contains(piece.path()) && VerifiedFiles.State.of(file).equals(Optional.of(state))) {
                remembered.remember(file, piece.sha256(), state);
            } else {
                remembered.forget(file);
            }
        });
        remembered.save();
    }

    /** The problem with one range, if any: unreadable, changed while it was read, or another sha256 than the manifest's. */
    private static Optional<Problem> compare(Work w, RangeHasher.Digest digest) {
        ManifestFile.FilePart piece = w.piece();
        RangeHasher.Range range = w.range();
        if (digest.error() != null) {
            return Optional.of(new Problem(piece.path(), "cannot be read (" + digest.error() + ")"));
        }
        String what = w.chunks() == 0 ? "" : "bytes " + range.offset() + "-" + (range.offset() + range.length() - 1) + " (chunk "
                + (w.chunk() + 1) + " of " + w.chunks() + ") ";
        boolean grew = digest.bytesRead() == range.length() && range.offset() + range.length() == piece.size()
                && digest.sizeAfter() != piece.size();
        if (grew || digest.bytesRead() != range.length()) {
            return Optional.of(new Problem(piece.path(), "changed while it was read (" + (grew ? "it grew" : what + "ended after "
                    + digest.bytesRead() + " bytes") + "; the manifest says " + piece.size() + " bytes)"));
        }
        if (!digest.sha256().equals(w.sha256())) {
            return Optional.of(new Problem(piece.path(), what + (what.isEmpty() ? "sha256 is " : "have sha256 ") + digest.sha256()
                    + ", the manifest says " + w.sha256() + " (the content was changed or damaged)"));
        }
        return Optional.empty();
    }

    private static final class NotRegularException extends IOException {
        private static final long serialVersionUID = 1L;
        private final String path;

        NotRegularException(String path, String message) {
            super(message);
            this.path = path;
        }
    }

    private static byte[] readSmallRegularFile(Path file, int limit) throws IOException {
        String name = file.getFileName().toString();
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new NotRegularException(name, "not a regular file (a symbolic link?); refusing the bundle");
        }
        if (attributes.size() > limit) {
            throw new NotRegularException(name, "larger than " + (limit >> 10) + " KiB; not a bundle " + name);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) attributes.size());
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read it all
            }
            return buffer.array();
        }
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    private static Duration elapsed(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
