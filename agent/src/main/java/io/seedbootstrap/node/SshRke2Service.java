package io.seedbootstrap.node;

import static io.seedbootstrap.support.ShellQuote.quote;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.ssh.ExecResult;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.ShellQuote;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** {@link Rke2Service} over SSH; the rke2 binary is the one under the install prefix the facts found. */
final class SshRke2Service implements Rke2Service {
    private final RemoteHost remote;
    private final Host host;
    private final Supplier<String> prefix;

    SshRke2Service(RemoteHost remote, Host host, Supplier<String> prefix) {
        this.remote = remote;
        this.host = host;
        this.prefix = prefix;
    }

    /** A.4: the unit of a node's role. */
    static String unit(Host host) {
        return host.role() == Role.SERVER ? "rke2-server" : "rke2-agent";
    }

    @Override
    public String unit() {
        return unit(host);
    }

    private String rke2() {
        return prefix.get() + "/bin/rke2";
    }

    @Override
    public boolean active() {
        return remote.exec(RemoteCommand.shell("systemctl is-active --quiet " + unit()).allowFailure()).ok();
    }

    @Override
    public Start start(Duration timeout) {
        ExecResult result = remote.exec(RemoteCommand.shell("systemctl enable " + unit() + " >/dev/null 2>&1; systemctl start " + unit())
                .asRoot().allowFailure().timeout(timeout));
        return new Start(result.ok(), result.ok() ? "" : result.stderrTail(3).strip());
    }

    @Override
    public void restart(Duration timeout) {
        remote.exec(RemoteCommand.shell("systemctl restart " + unit()).asRoot().timeout(timeout));
    }

    @Override
    public void stopServer() {
        remote.exec(RemoteCommand.shell("systemctl stop rke2-server 2>/dev/null || true").asRoot());
    }

    @Override
    public int restarts() {
        String restarts = remote.exec(RemoteCommand.shell("systemctl show -p NRestarts --value " + unit()).allowFailure()).stdout().strip();
        return restarts.matches("\\d+") ? Integer.parseInt(restarts) : -1;
    }

    @Override
    public String journalTail() {
        return remote.exec(RemoteCommand.shell("journalctl -u " + unit() + " -n 25 --no-pager -o cat 2>&1 | tail -n 25").asRoot()
                .allowFailure()).stdout();
    }

    @Override
    public String unitState() {
        // is-active prints the state and exits non-zero for every state but active
        String state = remote.exec(RemoteCommand.shell("systemctl is-active " + unit() + " 2>/dev/null").allowFailure()).stdout().strip();
        return state.isEmpty() ? "unknown" : state;
    }

    @Override
    public String unitStatus() {
        // exit 3 for a unit that is not running: the text is the answer either way
        return remote.exec(RemoteCommand.shell("systemctl status --no-pager --full --lines=0 " + unit() + " 2>&1").asRoot()
                .allowFailure()).stdout();
    }

    @Override
    public String journal(int lines) {
        int n = Math.max(1, lines);
        return remote.exec(RemoteCommand.shell("journalctl -u " + unit() + " -n " + n + " --no-pager -o short-iso 2>&1 | tail -n " + n)
                .asRoot().allowFailure()).stdout();
    }

    /**
     * A.2, upstream install.sh v1.35.7: ARTIFACT_PATH makes it stage the tarball and checksums from
     * that folder, skip the yum/RPM default and need no curl/wget (setup_env :128, do_install :680,
     * do_install_tar :636); TAR_PREFIX given skips its own /usr/local check (:134), which the facts
     * repeat (mount point or read-only: /opt/rke2); TYPE only matters to the RPM method (the tarball
     * holds both units) but is what the air-gap docs pass, so an agent says it is one.
     */
    @Override
    public void install(String artifacts, String script, String installPrefix) {
        String type = host.role() == Role.SERVER ? "server" : "agent";
        remote.exec(RemoteCommand.shell("cd " + quote(artifacts) + " && INSTALL_RKE2_ARTIFACT_PATH=" + quote(artifacts)
                + " INSTALL_RKE2_TYPE=" + type + " INSTALL_RKE2_TAR_PREFIX=" + quote(installPrefix) + " sh " + quote(script)).asRoot());
    }

    @Override
    public void saveSnapshot(String name, Duration timeout) {
        remote.exec(RemoteCommand.shell(rke2() + " etcd-snapshot save --name " + quote(name)).asRoot().timeout(timeout));
    }

    @Override
    public List<Snapshot> snapshots() {
        String json = remote.exec(RemoteCommand.shell(rke2() + " etcd-snapshot ls --output json").asRoot()).stdout();
        JsonNode items;
        try {
            items = Json.json().readTree(json).path("items");
        } catch (IOException e) {
            throw new UncheckedIOException(host.name() + ": `rke2 etcd-snapshot ls` printed no JSON", e);
        }
        List<Snapshot> snapshots = new ArrayList<>();
        for (JsonNode item : items) {
            snapshots.add(new Snapshot(item.path("spec").path("snapshotName").asText(), item.path("spec").path("location").asText()));
        }
        return snapshots;
    }

    @Override
    public void deleteSnapshots(List<String> names) {
        remote.exec(RemoteCommand.shell(rke2() + " etcd-snapshot delete " + ShellQuote.join(names)).asRoot());
    }

    @Override
    public ClusterReset clusterReset(String snapshotFile, Duration timeout) {
        ExecResult reset = remote.exec(RemoteCommand.shell(rke2() + " server --cluster-reset --cluster-reset-restore-path="
                + quote(snapshotFile) + " 2>&1").asRoot().allowFailure().timeout(timeout));
        return new ClusterReset(reset.exitCode(), reset.stdout());
    }

    @Override
    public String uninstallScript() {
        return prefix.get() + "/bin/rke2-uninstall.sh";
    }

    @Override
    public void uninstall(Duration timeout) {
        remote.exec(RemoteCommand.shell("sh " + quote(uninstallScript())).asRoot().timeout(timeout));
    }

    @Override
    public void uninstallByHand(List<String> paths, Duration timeout) {
        String killall = prefix.get() + "/bin/rke2-killall.sh";
        String script = "for u in rke2-server rke2-agent; do systemctl disable --now $u.service >/dev/null 2>&1 || true; done\n"
                + "[ -x " + quote(killall) + " ] && sh " + quote(killall) + "\n"
                + (paths.isEmpty() ? "" : "rm -rf " + ShellQuote.join(paths) + "\n")
                + "systemctl daemon-reload >/dev/null 2>&1 || true";
        remote.exec(RemoteCommand.shell(script, "uninstall RKE2 by hand").asRoot().timeout(timeout));
    }
}
