package io.seedbootstrap.phase.dr;

import io.seedbootstrap.dr.DrArchive;
import io.seedbootstrap.dr.DrManifest;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * The PKI the restored cluster trusts must stay the one in the archive (the Rancher CA and the
 * site root downstream clusters trust, the agent token): an absent pki.dir is written from the
 * archive (0700 directories, the archived modes); an existing one must hold the same cluster and
 * site roots, else the restore is refused before any host is touched.
 */
public final class RestorePkiDirectory implements Phase {
    private static final String[] ROOTS = {"cluster/root-ca.crt", "site/root-ca.crt", "cluster/token", "cluster/agent-token"};

    private final DrArchive.Verified archive;
    private final Path pkiDir;

    public RestorePkiDirectory(DrArchive.Verified archive, Path pkiDir) {
        this.archive = archive;
        this.pkiDir = pkiDir;
    }

    @Override
    public String title() {
        return "Restore the PKI directory " + pkiDir;
    }

    @Override
    public void run(RunContext context) {
        if (Files.isDirectory(pkiDir)) {
            for (String root : ROOTS) {
                Path local = pkiDir.resolve(root);
                String archived = DrManifest.PKI + root;
                if (!archive.contents().containsKey(archived)) {
                    continue;
                }
                try {
                    if (!Files.isRegularFile(local) || !Arrays.equals(Files.readAllBytes(local), archive.content(archived))) {
                        throw SeedException.badInput(pkiDir + "/" + root + " differs from the archive's: pki.dir belongs to another "
                                + "cluster. Point pki.dir at a path that does not exist (the archive's PKI is written there) or at this "
                                + "cluster's PKI (nothing was changed)");
                    }
                } catch (IOException e) {
                    throw SeedException.badInput("cannot read " + local + ": " + e.getMessage());
                }
            }
            return;
        }
        long count = archive.manifest().files().stream().filter(f -> f.path().startsWith(DrManifest.PKI)).count();
        context.change(RunContext.OPERATOR, "write the archive's PKI (" + count + " files) to " + pkiDir, () -> {
            Path temp = Files.createTempDirectory(pkiDir.toAbsolutePath().getParent(), "." + pkiDir.getFileName() + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            for (DrManifest.Entry entry : archive.manifest().files()) {
                if (!entry.path().startsWith(DrManifest.PKI)) {
                    continue;
                }
                Path file = temp.resolve(entry.path().substring(DrManifest.PKI.length()));
                Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Files.write(file, archive.content(entry.path()));
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions(entry.mode())));
            }
            Files.move(temp, pkiDir, StandardCopyOption.ATOMIC_MOVE);
        });
    }

    /** "0600" → "rw-------". */
    static String permissions(String octal) {
        int mode = Integer.parseInt(octal, 8);
        StringBuilder s = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = (mode >> shift) & 7;
            s.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
        }
        return s.toString();
    }
}
