package io.seedbootstrap.phase.upgrade;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.RunState;
import java.util.List;
import java.util.Map;

/**
 * What {@link CheckUpgrade} found before any change: the bundle's RKE2 version, each host's
 * version before the upgrade (its Node's kubelet version, contract A.11), and the hosts that
 * still need it, in inventory order. A host is done when both its installed rke2 and its Node
 * report the new version, so a run killed between install.sh and the restart upgrades it again.
 */
public record UpgradePlan(String target, Map<String, String> before, List<String> pending) {
    public static final RunState.Key<UpgradePlan> PLAN = RunState.Key.of("upgrade-plan", UpgradePlan.class);

    public UpgradePlan {
        before = Map.copyOf(before);
        pending = List.copyOf(pending);
    }

    public boolean pending(Host host) {
        return pending.contains(host.name());
    }

    /** {@code name (version)} of each host, for messages. */
    String describe(List<String> hosts) {
        return hosts.isEmpty() ? "none" : String.join(", ", hosts.stream().map(h -> h + " (" + before.get(h) + ")").toList());
    }
}
