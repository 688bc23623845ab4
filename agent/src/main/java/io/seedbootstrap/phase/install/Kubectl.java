package io.seedbootstrap.phase.install;

import static io.seedbootstrap.support.ShellQuote.quote;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.ssh.ExecResult;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * RKE2's kubectl on the bootstrap server (contract A.4: {@code /var/lib/rancher/rke2/bin/kubectl
 * --kubeconfig /etc/rancher/rke2/rke2.yaml}), for what the seed apps read and the Secrets they
 * create. Objects with secret values travel on the command's stdin ({@code -f -}), never argv.
 */
final class Kubectl {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final RemoteHost host;

    Kubectl(RemoteHost host) {
        this.host = host;
    }

    /**
     * One object as JSON, empty when it does not exist. {@code unreachable} is what a dry run on
     * a cluster that is not up yet gets instead of an error.
     */
    Optional<JsonNode> get(String kind, String namespace, String name) {
        ExecResult result = host.exec(RemoteCommand.shell(Rke2Paths.kubectl((namespace == null ? "" : "-n " + quote(namespace) + " ")
                + "get " + quote(kind) + " " + quote(name) + " --ignore-not-found -o json"), "kubectl get " + kind + " " + name)
                .asRoot().allowFailure().timeout(TIMEOUT));
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

    /** The objects of one kind in a namespace that carry every label of {@code selector} ({@code a=b,c=d}; null: all). */
    java.util.List<JsonNode> list(String kind, String namespace, String selector) {
        String labels = selector == null ? "" : " -l " + quote(selector);
        ExecResult result = host.exec(RemoteCommand.shell(Rke2Paths.kubectl("-n " + quote(namespace) + " get " + quote(kind) + labels
                + " -o json"), "kubectl get " + kind + labels).asRoot().allowFailure().timeout(TIMEOUT));
        if (!result.ok()) {
            throw new Unreachable(host.name() + ": kubectl get " + kind + " -l " + selector + " failed: " + result.stderrTail(3).strip());
        }
        try {
            java.util.List<JsonNode> items = new java.util.ArrayList<>();
            Json.json().readTree(result.stdout()).path("items").forEach(items::add);
            return items;
        } catch (IOException e) {
            throw new SeedException(ExitCode.FAILED, host.name() + ": kubectl get " + kind + " -l " + selector + " gave no JSON: "
                    + e.getMessage());
        }
    }

    /** {@code kubectl VERB -f -} with the object on stdin; {@code display} names it without its content. */
    void withStdin(String verb, byte[] object, String display) {
        ExecResult result = host.exec(RemoteCommand.shell(Rke2Paths.kubectl(verb + " -f -"), "kubectl " + verb + " " + display)
                .asRoot().allowFailure().timeout(TIMEOUT).stdin(RemoteCommand.Stdin.of(object)));
        if (!result.ok()) {
            // kubectl's own message names the object, never its data
            throw new SeedException(ExitCode.FAILED, host.name() + ": kubectl " + verb + " " + display + " failed: " + result.stderrTail(5).strip());
        }
    }

    /** Deletes one object; one that is already gone is fine. */
    void delete(String kind, String namespace, String name) {
        ExecResult result = host.exec(RemoteCommand.shell(Rke2Paths.kubectl("-n " + quote(namespace) + " delete " + quote(kind) + " "
                + quote(name) + " --ignore-not-found"), "kubectl delete " + kind + " " + name).asRoot().allowFailure().timeout(TIMEOUT));
        if (!result.ok()) {
            throw new SeedException(ExitCode.FAILED, host.name() + ": kubectl delete " + kind + " " + name + " failed: "
                    + result.stderrTail(5).strip());
        }
    }

    /** Server-side apply as seed-bootstrap: no last-applied annotation copying the object, our fields win. */
    static final String APPLY = "apply --server-side --force-conflicts --field-manager=seed-bootstrap";

    /** Read-only text output (job logs); failures give their message instead. */
    String text(String quotedArgs, String display) {
        ExecResult result = host.exec(RemoteCommand.shell(Rke2Paths.kubectl(quotedArgs) + " 2>&1", display).asRoot().allowFailure()
                .timeout(TIMEOUT));
        return result.stdout();
    }

    /** The API did not answer (the cluster is not up, e.g. in a dry run before the first start). */
    static final class Unreachable extends SeedException {
        Unreachable(String message) {
            super(ExitCode.FAILED, message);
        }
    }
}
