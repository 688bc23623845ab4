package io.seedbootstrap.inventory.model;

import io.seedbootstrap.bind.Default;
import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Format;
import io.seedbootstrap.bind.Range;
import io.seedbootstrap.bind.TextFormat;
import java.util.List;
import java.util.Map;

/** RKE2 settings; extra config is merged cluster, then role, then host (contract A.5). */
public record Rke2(
        @Doc("CIS hardening profile (contract A.9); omit for none.") Profile profile,
        @Doc("Enable SELinux support in containerd (needs rke2-selinux on the nodes).") @Default("false") boolean selinux,
        @Doc("Scheduled etcd snapshots (contract C).") Snapshots snapshots,
        @Doc("Namespaces exempt from PodSecurity 'restricted' when profile is cis, in addition to those the seed apps need.")
        List<String> podSecurityExemptions,
        @Doc("Extra config.yaml keys for every node.") Map<String, Object> config,
        @Doc("Extra config.yaml keys for servers.") Map<String, Object> serverConfig,
        @Doc("Extra config.yaml keys for agents.") Map<String, Object> agentConfig) {

    public enum Profile {
        CIS;

        @com.fasterxml.jackson.annotation.JsonValue
        public String key() {
            return "cis";
        }
    }

    public record Snapshots(
            @Doc("Take scheduled snapshots.") @Default("true") boolean enabled,
            @Doc("Cron schedule (etcd-snapshot-schedule-cron).") @Default("0 */6 * * *") @Format(TextFormat.CRON) String schedule,
            @Doc("Snapshots kept (etcd-snapshot-retention).") @Default("10") @Range(min = 1, max = 1000) int retention,
            @Doc("Compress snapshots (etcd-snapshot-compress).") @Default("false") boolean compress) {}
}
