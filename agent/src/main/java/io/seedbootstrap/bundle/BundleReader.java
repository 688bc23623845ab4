package io.seedbootstrap.bundle;

import io.seedbootstrap.bundle.manifest.ManifestFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;

/**
 * Reads a bundle file as one stream: the file itself, or its parts in order. Every byte goes
 * through the SHA-256 of its part and of the whole; a part or whole that does not match, or
 * has another size, fails the read at its end with the file named — so a reader that copies to
 * a host and then renames on success never installs damaged content.
 */
public final class BundleReader {
    private BundleReader() {}

    public static InputStream open(Path bundleRoot, ManifestFile file) throws IOException {
        return new JoinedStream(bundleRoot, file);
    }

    /** A verified piece or whole file that did not match its manifest entry. */
    public static final class MismatchException extends IOException {
        private static final long serialVersionUID = 1L;

        MismatchException(String message) {
            super(message);
        }
    }

    private static final class JoinedStream extends InputStream {
        private final Path root;
        private final ManifestFile file;
        private final List<ManifestFile.FilePart> pieces;
        private final MessageDigest whole = Sha256.digest();
        private MessageDigest pieceDigest;
        private InputStream current;
        private int index = -1;
        private long pieceRead;
        private long totalRead;
        private boolean finished;

        JoinedStream(Path root, ManifestFile file) throws IOException {
            this.root = root;
            this.file = file;
            this.pieces = file.storedPieces();
            next();
        }

        private boolean next() throws IOException {
            if (current != null) {
                current.close();
                ManifestFile.FilePart piece = pieces.get(index);
                String actual = Sha256.hex(pieceDigest);
                if (pieceRead != piece.size() || !actual.equals(piece.sha256())) {
                    throw new MismatchException(piece.path() + ": " + pieceRead + " bytes with sha256 " + actual + ", the manifest says "
                            + piece.size() + " bytes with sha256 " + piece.sha256());
                }
            }
            index++;
            if (index >= pieces.size()) {
                current = null;
                return false;
            }
            current = Channels.newInputStream(Files.newByteChannel(root.resolve(pieces.get(index).path()), StandardOpenOption.READ,
                    LinkOption.NOFOLLOW_LINKS));
            pieceDigest = Sha256.digest();
            pieceRead = 0;
            return true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            while (current != null) {
                int n = current.read(buffer, offset, length);
                if (n == 0) {
                    continue;
                }
                if (n > 0) {
                    pieceDigest.update(buffer, offset, n);
                    whole.update(buffer, offset, n);
                    pieceRead += n;
                    totalRead += n;
                    return n;
                }
                next();
            }
            if (!finished) {
                finished = true;
                String actual = Sha256.hex(whole);
                if (totalRead != file.size() || !actual.equals(file.sha256())) {
                    throw new MismatchException(file.path() + ": rejoined " + totalRead + " bytes with sha256 " + actual
                            + ", the manifest says " + file.size() + " bytes with sha256 " + file.sha256());
                }
            }
            return -1;
        }

        @Override
        public void close() throws IOException {
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }
}
