package io.seedbootstrap.phase.day2;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What {@code status} found: one row per node, one per seed app, the PKI's nearest expiry and the
 * last etcd snapshot. Each row has a health and the problems that make it so.
 *
 * @param cluster the inventory's cluster name
 */
public record ClusterStatus(String cluster, List<NodeRow> nodes, List<AppRow> apps, PkiRow pki, SnapshotRow snapshot) {

    public ClusterStatus {
        nodes = List.copyOf(nodes);
        apps = List.copyOf(apps);
    }

    /** OK; WARN (worth a look, exit 0); FAIL (exit 3). */
    public enum Health { OK, WARN, FAIL }

    /**
     * One host of the inventory.
     *
     * @param reachable    whether seed-bootstrap could log in
     * @param rke2Version  the installed rke2's version ("" when none)
     * @param unitState    rke2-server or rke2-agent as systemd names its state ("" when unreachable)
     * @param ready        the Node's Ready condition as the cluster's API says; null when no API answered
     * @param kubeletVersion what the Node reports ("" when not known)
     * @param etcdHealthy  servers: whether this server's API server reaches a healthy etcd; null for agents
     * @param diskFreeGiB  free space under /var/lib/rancher; null when unreachable
     * @param lock         who holds the host lock, null when nobody
     */
    public record NodeRow(String host, String role, boolean bootstrap, boolean reachable, String rke2Version, String unitState,
            Boolean ready, String kubeletVersion, Boolean etcdHealthy, Long diskFreeGiB, String lock, Health health, List<String> problems) {
        public NodeRow {
            problems = List.copyOf(problems);
        }
    }

    /**
     * One enabled seed app (SeedApps.APPS).
     *
     * @param helmChartApplied whether its HelmChart is in the cluster (kube-system)
     * @param job              its helm-install job's outcome: complete, failed, running, none, or unknown
     */
    public record AppRow(String app, String helmChart, boolean helmChartApplied, String job, Health health, String detail) {}

    /** The certificate of the PKI directory that expires first. */
    public record PkiRow(String file, String notAfter, Long daysLeft, Health health, String detail) {}

    /** The newest etcd snapshot on the reachable servers (contract C). */
    public record SnapshotRow(String name, String node, Long ageSeconds, Health health, String detail) {}

    /** Every row's problems, each naming its row: what makes the exit code 3 (FAIL) or is worth a look (WARN). */
    public List<String> problems(Health at) {
        List<String> out = new ArrayList<>();
        for (NodeRow n : nodes) {
            if (n.health() == at) {
                n.problems().forEach(p -> out.add(n.host() + ": " + p));
            }
        }
        for (AppRow a : apps) {
            if (a.health() == at) {
                out.add(a.app() + ": " + a.detail());
            }
        }
        if (pki != null && pki.health() == at) {
            out.add("pki: " + pki.detail());
        }
        if (snapshot != null && snapshot.health() == at) {
            out.add("etcd snapshot: " + snapshot.detail());
        }
        return out;
    }

    /** No row FAILs. */
    public boolean healthy() {
        return Stream.concat(Stream.concat(nodes.stream().map(NodeRow::health), apps.stream().map(AppRow::health)),
                Stream.of(pki == null ? Health.OK : pki.health(), snapshot == null ? Health.OK : snapshot.health()))
                .noneMatch(h -> h == Health.FAIL);
    }
}
