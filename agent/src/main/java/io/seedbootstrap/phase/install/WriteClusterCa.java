package io.seedbootstrap.phase.install;

import io.seedbootstrap.host.RemoteFiles;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.StagedFiles;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Contract B.1: the cluster CA set goes to the bootstrap server's server/tls before its first
 * start, so RKE2 uses our CAs instead of generating its own; joining servers get them from the
 * datastore. The files travel as one tar on stdin (keys never in argv or logs). Once etcd
 * holds data the CAs live there and this phase only checks the host's server-ca.crt is ours.
 */
public final class WriteClusterCa implements Phase {
    private final Host bootstrap;
    private final ClusterMaterial material;

    public WriteClusterCa(Host bootstrap, ClusterMaterial material) {
        this.bootstrap = bootstrap;
        this.material = material;
    }

    @Override
    public String title() {
        return "Write the cluster CA set (B.1)";
    }

    @Override
    public void run(RunContext context) {
        var remote = context.host(bootstrap.name());
        if (RemoteFiles.exists(remote, Rke2Paths.ETCD_DATA)) {
            if (CheckClusterCa.runsAnotherCa(remote, material)) {
                // CheckClusterCa refused this before any change; reaching it means the host changed under us
                throw new SeedException(ExitCode.UNEXPECTED_STATE, bootstrap.name() + ": its cluster CA changed during this run; re-run");
            }
            context.reporter().debug(bootstrap.name(), "cluster already initialised; its CAs live in the datastore");
            return;
        }
        List<String> paths = material.serverTls().stream().map(f -> Rke2Paths.SERVER_TLS + "/" + f.relativePath()).toList();
        Map<String, RemoteFiles.State> present = RemoteFiles.states(remote, paths);
        boolean same = material.serverTls().stream().allMatch(f -> {
            RemoteFiles.State state = present.get(Rke2Paths.SERVER_TLS + "/" + f.relativePath());
            return state != null && state.sha256().equals(RemoteFiles.sha256(f.content())) && state.mode().equals(f.mode());
        });
        if (same) {
            return;
        }
        byte[] tar = tar(material.serverTls());
        String staged = StagedFiles.STAGING + "/server-tls";
        String script = "set -e; umask 077; rm -rf " + staged + "; mkdir -p " + staged + "; tar -x -C " + staged + " --no-same-owner\n"
                + "mkdir -p " + Rke2Paths.SERVER_TLS + "; chmod 0700 " + Rke2Paths.SERVER_TLS + "\n"
                + "cp -R --preserve=mode " + staged + "/. " + Rke2Paths.SERVER_TLS + "/; rm -rf " + staged;
        context.change(bootstrap.name(), "write " + material.serverTls().size() + " CA files to " + Rke2Paths.SERVER_TLS
                + " (keys 0600)", () -> remote.exec(RemoteCommand.shell(script, "write the cluster CA set to " + Rke2Paths.SERVER_TLS)
                        .asRoot().stdin(secretStdin(tar))));
    }

    private static RemoteCommand.Stdin secretStdin(byte[] tar) {
        return new RemoteCommand.Stdin() {
            @Override
            public void writeTo(java.io.OutputStream out) throws IOException {
                out.write(tar);
            }

            @Override
            public String toString() {
                return "<cluster CA files: redacted>";
            }
        };
    }

    static byte[] tar(List<ClusterMaterial.TlsFile> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveEntry etcd = new TarArchiveEntry("etcd/");
            etcd.setMode(040700);
            tar.putArchiveEntry(etcd);
            tar.closeArchiveEntry();
            for (ClusterMaterial.TlsFile file : files) {
                TarArchiveEntry entry = new TarArchiveEntry(file.relativePath());
                entry.setSize(file.content().length);
                entry.setMode(file.privateKey() ? 0100600 : 0100644);
                tar.putArchiveEntry(entry);
                tar.write(file.content());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
