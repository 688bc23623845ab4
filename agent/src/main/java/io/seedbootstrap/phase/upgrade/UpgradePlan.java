package io.seedbootstrap.phase.upgrade;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.RunState;
import java.util.List;
import java.util.Map;

/**
 * What {@link CheckUpgrade} found before any change: the bundle's RKE2 version, each host's
 * version before the upgrade (its Node's kubelet version, contract A.11), the hosts that still
 * need it, in inventory order, and the hosts an earlier upgrade cordoned and did not uncordon
 * (their Node carries {@link UpgradeAgents#CORDONED_BY_UPGRADE}: the run died between drain and
 * uncordon). A host is done when both its installed rke2 and its Node report the new version, so
 * a run killed between install.sh and the restart upgrades it again.
 */
public record UpgradePlan(String target, Map<String, String> before, List<String> pending, List<String> leftCordoned) {
    public static final RunState.Key<UpgradePlan> PLAN = RunState.Key.of("upgrade-plan", UpgradePlan.class);

    public UpgradePlan {
        before = Map.copyOf(before);
        pending = List.copyOf(pending);
        leftCordoned = List.copyOf(leftCordoned);
    }

    public boolean pending(Host host) {
        return pending.contains(host.name());
    }

    /** Whether an earlier upgrade left {@code host}'s node cordoned. */
    public boolean leftCordoned(Host host) {
        return leftCordoned.contains(host.name());
    }

    /** {@code name (version)} of each host, for messages. */
    String describe(List<String> hosts) {
        return hosts.isEmpty() ? "none" : String.join(", ", hosts.stream().map(h -> h + " (" + before.get(h) + ")").toList());
    }
}
