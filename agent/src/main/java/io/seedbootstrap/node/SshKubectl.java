package io.seedbootstrap.node;

import static io.seedbootstrap.support.ShellQuote.quote;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.ssh.ExecResult;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link Kubectl} over SSH: RKE2's kubectl with the admin kubeconfig, as root. */
final class SshKubectl implements Kubectl {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final RemoteHost host;

    SshKubectl(RemoteHost host) {
        this.host = host;
    }

    /** {@code kubectl --kubeconfig rke2.yaml ARGS} as one shell string (args already quoted). */
    private static String kubectl(String quotedArgs) {
        return Rke2Paths.KUBECTL + " --kubeconfig " + Rke2Paths.ADMIN_KUBECONFIG + " " + quotedArgs;
    }

    private ExecResult run(String quotedArgs, String display, RemoteCommand.Stdin stdin, Duration timeout) {
        RemoteCommand command = RemoteCommand.shell(kubectl(quotedArgs), display).asRoot().allowFailure().timeout(timeout);
        return host.exec(stdin == null ? command : command.stdin(stdin));
    }

    private static String namespace(String namespace) {
        return namespace == null ? "" : "-n " + quote(namespace) + " ";
    }

    @Override
    public Optional<JsonNode> get(String kind, String namespace, String name) {
        ExecResult result = run(namespace(namespace) + "get " + quote(kind) + " " + quote(name) + " --ignore-not-found -o json",
                "kubectl get " + kind + " " + name, null, TIMEOUT);
        if (!result.ok()) {
            throw new Unreachable(host.name() + ": kubectl get " + kind + " " + name + " failed: " + result.stderrTail(3).strip());
        }
        if (result.stdout().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.json().readTree(result.stdout()));
        } catch (IOException e) {
            throw new SeedException(ExitCode.FAILED, host.name() + ": kubectl get " + kind + " " + name + " gave no JSON: " + e.getMessage());
        }
    }

    @Override
    public List<JsonNode> list(String kind, String namespace, String selector) {
        String labels = selector == null ? "" : " -l " + quote(selector);
        ExecResult result = run(namespace(namespace) + "get " + quote(kind) + labels + " -o json", "kubectl get " + kind + labels, null, TIMEOUT);
        if (!result.ok()) {
            throw new Unreachable(host.name() + ": kubectl get " + kind + (selector == null ? "" : " -l " + selector) + " failed: "
                    + result.stderrTail(3).strip());
        }
        try {
            List<JsonNode> items = new ArrayList<>();
            Json.json().readTree(result.stdout()).path("items").forEach(items::add);
            return items;
        } catch (IOException e) {
            throw new SeedException(ExitCode.FAILED, host.name() + ": kubectl get " + kind + labels + " gave no JSON: " + e.getMessage());
        }
    }

    @Override
    public void withStdin(String verb, byte[] object, String display) {
        ExecResult result = run(verb + " -f -", "kubectl " + verb + " " + display, RemoteCommand.Stdin.of(object), TIMEOUT);
        if (!result.ok()) {
            // kubectl's own message names the object, never its data
            throw new SeedException(ExitCode.FAILED, host.name() + ": kubectl " + verb + " " + display + " failed: " + result.stderrTail(5).strip());
        }
    }

    @Override
    public void delete(String kind, String namespace, String name) {
        ExecResult result = run(namespace(namespace) + "delete " + quote(kind) + " " + quote(name) + " --ignore-not-found",
                "kubectl delete " + kind + " " + name, null, TIMEOUT);
        if (!result.ok()) {
            throw new SeedException(ExitCode.FAILED, host.name() + ": kubectl delete " + kind + " " + name + " failed: "
                    + result.stderrTail(5).strip());
        }
    }

    @Override
    public String logs(String namespace, String workload, int lines) {
        return host.exec(RemoteCommand.shell(kubectl(namespace(namespace) + "logs " + quote(workload) + " --tail=" + lines) + " 2>&1",
                "kubectl logs " + workload).asRoot().allowFailure().timeout(TIMEOUT)).stdout();
    }

    @Override
    public Optional<List<NodeStatus>> nodes() {
        ExecResult result = run("get nodes -o json", "kubectl get nodes", null, Duration.ofSeconds(30));
        if (!result.ok()) {
            return Optional.empty();
        }
        try {
            return Optional.of(NodeStatus.parseList(result.stdout()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean etcdHealthy() {
        // contract A.11: the API server's own etcd check
        ExecResult result = run("get --raw /readyz/etcd", "kubectl get --raw /readyz/etcd", null, Duration.ofSeconds(30));
        return result.ok() && result.stdout().strip().equals("ok");
    }

    @Override
    public void cordon(String nodeName) {
        nodeCommand("cordon " + quote(nodeName), "kubectl cordon " + nodeName, TIMEOUT);
    }

    @Override
    public void drain(String nodeName, Duration timeout) {
        nodeCommand("drain " + quote(nodeName) + " --ignore-daemonsets --delete-emptydir-data --timeout=" + timeout.toSeconds() + "s",
                "kubectl drain " + nodeName, timeout.plus(TIMEOUT));
    }

    @Override
    public void uncordon(String nodeName) {
        nodeCommand("uncordon " + quote(nodeName), "kubectl uncordon " + nodeName, TIMEOUT);
    }

    @Override
    public void annotateNode(String nodeName, String key, String value) {
        nodeCommand("annotate node " + quote(nodeName) + " " + (value == null ? quote(key + "-") : "--overwrite " + quote(key + "=" + value)),
                "kubectl annotate node " + nodeName + " " + key + (value == null ? "-" : "=" + value), TIMEOUT);
    }

    private void nodeCommand(String quotedArgs, String display, Duration timeout) {
        ExecResult result = run(quotedArgs, display, null, timeout);
        if (!result.ok()) {
            throw new SeedException(ExitCode.FAILED, host.name() + ": " + display + " failed: " + result.stderrTail(5).strip());
        }
    }
}
