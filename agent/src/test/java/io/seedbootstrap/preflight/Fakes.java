package io.seedbootstrap.preflight;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.host.ModuleState;
import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.support.Environment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Inventories and host facts for preflight's unit tests. */
final class Fakes {
    static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    private Fakes() {}

    /** Two servers and one agent on 10.0.0.11-13 unless the extra YAML says otherwise. */
    static Inventory inventory(Path dir, String preflight, String clusterExtra) {
        String yaml = String.join("\n",
                "cluster:",
                "  name: seed-lab",
                "  rke2Version: v1.35.7+rke2r1",
                "  registrationAddress: 10.0.0.100",
                clusterExtra == null ? "" : clusterExtra,
                preflight == null ? "" : preflight,
                "apps: {rancher: {enabled: false}, argocd: {enabled: false}}",
                "hosts:",
                "  - {name: s1, address: 10.0.0.11, role: server, bootstrap: true}",
                "  - {name: s2, address: 10.0.0.12, role: server}",
                "  - {name: a1, address: 10.0.0.13, role: agent}",
                "");
        try {
            Path file = Files.writeString(dir.resolve("inventory-" + System.nanoTime() + ".yaml"), yaml);
            return new InventoryLoader(Environment.of(Map.of()), dir).loadOrThrow(file, LoadOptions.defaults()).inventory();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A healthy Debian 12 host with the given name and IP. */
    static HostFacts facts(String hostname, String ip) {
        return new Builder(hostname, ip).build();
    }

    static final class Builder {
        String hostname;
        String ip;
        String machineId;
        String osId = "debian";
        String osLike = "";
        String machine = "x86_64";
        int cpus = 4;
        long memoryMiB = 8192;
        long swapMiB = 0;
        long diskGiB = 100;
        boolean defaultRoute = true;
        Instant clock = NOW;
        Set<String> units = Set.of();
        List<String> listeners = List.of("0.0.0.0:22");
        Map<String, ModuleState> modules = Map.of("overlay", ModuleState.LOADED, "br_netfilter", ModuleState.LOADED);
        String nmUnmanaged = "";
        boolean fapolicydRules = false;
        boolean usrLocal = true;

        Builder(String hostname, String ip) {
            this.hostname = hostname;
            this.ip = ip;
            this.machineId = Integer.toHexString(hostname.hashCode()) + "00112233445566778899aabb";
        }

        HostFacts build() {
            return new HostFacts(hostname, machineId, osId, "12", osId + " 12", machine, "6.1.0-18-amd64", cpus, memoryMiB, swapMiB,
                    diskGiB, List.of("127.0.0.1", ip), defaultRoute, clock, usrLocal, units, "", "", osLike,
                    defaultRoute ? ip : "", listeners, modules, nmUnmanaged, fapolicydRules,
                    Set.of("python3", "bash", "timeout", "ss"), NOW);
        }
    }
}
