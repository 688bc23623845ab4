package io.seedbootstrap.phase.dr;

import io.seedbootstrap.ssh.StagedFiles;
import static io.seedbootstrap.support.ShellQuote.quote;

import io.seedbootstrap.dr.DrArchive;
import io.seedbootstrap.dr.DrManifest;
import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.host.RemoteFiles;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.phase.install.Rke2Service;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.ssh.ExecResult;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import io.seedbootstrap.support.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * Contract C, "Restore to new hosts": the snapshot goes to the bootstrap server (streamed out of
 * the archive, sha256-checked on the host, 0600), then {@code rke2 server --cluster-reset
 * --cluster-reset-restore-path=FILE} runs in the foreground with the original server token from
 * the token-file WriteNodeConfig wrote (never in argv). No server/tls is written: the snapshot
 * and the token bring the CAs back (C, B.1). A marker holding the snapshot's sha256 makes a
 * re-run skip this; a host with other etcd data is refused.
 */
public final class RestoreSnapshot implements Phase {
    static final String DIR = StagedFiles.STATE_DIR + "/restore";
    static final String MARKER = DIR + "/restored-snapshot.sha256";

    private final Host bootstrap;
    private final DrArchive.Verified archive;
    private final Secret passphrase;

    public RestoreSnapshot(Host bootstrap, DrArchive.Verified archive, Secret passphrase) {
        this.bootstrap = bootstrap;
        this.archive = archive;
        this.passphrase = passphrase;
    }

    @Override
    public String title() {
        return "Restore the etcd snapshot on " + bootstrap.name() + " (C, --cluster-reset)";
    }

    /** What the bootstrap server's etcd folder holds, as far as a restore is concerned. */
    enum Datastore { NONE, THIS_SNAPSHOT, OTHER }

    /** Read-only: the marker of an earlier run of this restore tells its datastore from another cluster's. */
    static Datastore datastore(RemoteHost remote, DrArchive.Verified archive) {
        if (!RemoteFiles.exists(remote, Rke2Paths.ETCD_DATA)) {
            return Datastore.NONE;
        }
        String marker = remote.exec(RemoteCommand.shell("cat " + MARKER + " 2>/dev/null || true").asRoot()).stdout().strip();
        return marker.equals(archive.snapshot().sha256()) ? Datastore.THIS_SNAPSHOT : Datastore.OTHER;
    }

    @Override
    public boolean shouldRun(RunContext context) {
        switch (datastore(context.host(bootstrap.name()), archive)) {
            case NONE:
                return true;
            case THIS_SNAPSHOT:
                context.reporter().debug(bootstrap.name(), "this snapshot was restored here before");
                return false;
            default:
                // CheckRestoreTarget refused this before any change; reaching it means the host changed under us
                throw new SeedException(ExitCode.UNEXPECTED_STATE, bootstrap.name() + ": " + Rke2Paths.ETCD_DATA
                        + " changed during this run; re-run");
        }
    }

    @Override
    public void run(RunContext context) {
        RemoteHost remote = context.host(bootstrap.name());
        HostFacts facts = context.state().get(bootstrap.name(), GatherFacts.FACTS);
        DrManifest.Entry snapshot = archive.snapshot();
        String file = DIR + "/" + snapshot.path().substring(snapshot.path().lastIndexOf('/') + 1);
        String temp = file + ".partial";
        String upload = "set -e; umask 077; mkdir -p " + DIR + "; chmod 0700 " + DIR + "; cat > " + quote(temp) + "\n"
                + "sum=$(sha256sum < " + quote(temp) + " | cut -c1-64)\n"
                + "if [ \"$sum\" != " + quote(snapshot.sha256()) + " ]; then rm -f " + quote(temp) + "; echo \"received sha256 $sum\" >&2; exit 65; fi\n"
                + "mv -f " + quote(temp) + " " + quote(file);
        Duration limit = context.options().waitTimeout().compareTo(Duration.ofHours(1)) > 0 ? context.options().waitTimeout() : Duration.ofHours(1);
        context.change(bootstrap.name(), "upload the etcd snapshot (" + snapshot.size() + " bytes) to " + file + " (0600)", () ->
                remote.exec(RemoteCommand.shell(upload, "receive the etcd snapshot into " + file).asRoot().timeout(limit).stdin(new SnapshotStdin())));
        String rke2 = facts.tarPrefix() + "/bin/rke2";
        context.change(bootstrap.name(), "rke2 server --cluster-reset --cluster-reset-restore-path=" + file + " (token from "
                + Rke2Paths.TOKEN_FILE + ")", () -> {
                    // C: the reset refuses while the server runs
                    remote.exec(RemoteCommand.shell("systemctl stop rke2-server 2>/dev/null || true").asRoot());
                    ExecResult reset = remote.exec(RemoteCommand.shell(rke2 + " server --cluster-reset --cluster-reset-restore-path="
                            + quote(file) + " 2>&1").asRoot().allowFailure().timeout(context.options().waitTimeout()));
                    if (!reset.ok() || !reset.stdout().contains("Managed etcd cluster membership has been reset")) {
                        String tail = String.join("\n", reset.stdout().strip().lines().skip(Math.max(0, reset.stdout().lines().count() - 8)).toList());
                        throw new SeedException(ExitCode.FAILED, bootstrap.name() + ": the snapshot was not restored (exit " + reset.exitCode()
                                + "):\n" + tail.indent(2).stripTrailing() + "\nA refusal about the token means the archive's server token "
                                + "does not decrypt this snapshot (contract C).");
                    }
                    remote.exec(RemoteCommand.shell("printf '%s\\n' " + quote(snapshot.sha256()) + " > " + MARKER + "; rm -f " + quote(file))
                            .asRoot());
                });
        context.reporter().info(bootstrap.name(), "snapshot " + snapshot.path() + " restored; "
                + Rke2Service.unit(bootstrap) + " starts on it next");
    }

    /** The snapshot out of the archive, decrypted as it is sent; shown as its name only. */
    private final class SnapshotStdin implements RemoteCommand.Stdin {
        @Override
        public void writeTo(OutputStream out) throws IOException {
            DrArchive.copyEntry(archive, archive.manifest().snapshot(), passphrase, out);
        }

        @Override
        public String toString() {
            return archive.manifest().snapshot() + " from " + archive.file();
        }
    }
}
