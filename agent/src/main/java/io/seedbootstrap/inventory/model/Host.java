package io.seedbootstrap.inventory.model;

import io.seedbootstrap.bind.Default;
import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Format;
import io.seedbootstrap.bind.Required;
import io.seedbootstrap.bind.TextFormat;
import java.util.List;
import java.util.Map;

public record Host(
        @Doc("Host name in this inventory; also the Kubernetes node name unless nodeName is set.") @Required @Format(TextFormat.DNS_LABEL) String name,
        @Doc("Address the operator's machine reaches over SSH.") @Required @Format(TextFormat.HOST) String address,
        @Doc("ssh (default) or local: local is the machine seed-bootstrap runs on, reached without SSH "
                + "(Ansible's ansible_connection=local). At most one host is local.") @Default("ssh") Connection connection,
        @Doc("server (control plane + etcd) or agent (worker).") @Required Role role,
        @Doc("Marks the one server that starts the cluster. Required on one server when there are several; "
                + "never inferred from order, so reordering hosts cannot move the cluster's origin.") @Default("false") boolean bootstrap,
        @Doc("Kubernetes node name, when it must differ from name.") @Format(TextFormat.DNS_LABEL) String nodeName,
        @Doc("IP the node uses inside the cluster (RKE2 node-ip); must be on one of the host's interfaces.") @Format(TextFormat.IP) String nodeIp,
        @Doc("Node labels (RKE2 node-label).") @Format(TextFormat.LABEL_KEY) Map<String, String> labels,
        @Doc("Node taints, key=value:Effect (RKE2 node-taint).") @Format(TextFormat.TAINT) List<String> taints,
        @Doc("SSH overrides for this host.") HostSsh ssh,
        @Doc("Extra RKE2 config.yaml keys for this host only (merged last).") Map<String, Object> config) {

    /** The Kubernetes node name: nodeName when set, else the inventory name. */
    public String effectiveNodeName() {
        return nodeName != null ? nodeName : name;
    }
}
