package io.seedbootstrap.preflight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.host.ModuleState;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.node.Listener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostChecksTest {
    @TempDir
    Path tmp;

    private List<CheckResult> evaluate(Inventory inventory, Map<String, HostFacts> facts, Map<String, List<Listener>> listeners,
            Set<Check> skip) {
        List<HostProbe> probes = new ArrayList<>();
        for (Host h : inventory.hosts()) {
            probes.add(new HostProbe(h, null, facts.get(h.name()), null, null, listeners.getOrDefault(h.name(), List.of())));
        }
        return new HostChecks(inventory, Preflight.settings(inventory)).evaluate(probes, skip);
    }

    private Map<String, HostFacts> healthy(Consumer<Fakes.Builder> s1, Consumer<Fakes.Builder> s2) {
        Fakes.Builder b1 = new Fakes.Builder("s1", "10.0.0.11");
        Fakes.Builder b2 = new Fakes.Builder("s2", "10.0.0.12");
        s1.accept(b1);
        s2.accept(b2);
        return Map.of("s1", b1.build(), "s2", b2.build(), "a1", Fakes.facts("a1", "10.0.0.13"));
    }

    private static CheckResult row(List<CheckResult> rows, String host, Check check) {
        return rows.stream().filter(r -> r.host().equals(host) && r.check() == check).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + host + " " + check.key() + " in " + rows));
    }

    @Test
    void healthyHostsPassEveryCheck() {
        Inventory inventory = Fakes.inventory(tmp, null, null);
        List<CheckResult> rows = evaluate(inventory, healthy(b -> { }, b -> { }), Map.of(), Set.of());
        List<CheckResult> notPassed = rows.stream().filter(r -> r.result() != Result.PASS).toList();
        assertEquals(List.of(), notPassed);
        // every per-host check of HostChecks has a row for every host
        assertEquals(3 * 21, rows.size(), rows.toString());
    }

    @Test
    void aDuplicateMachineIdFailsOnBothHostsNamingTheOther() {
        Inventory inventory = Fakes.inventory(tmp, null, null);
        List<CheckResult> rows = evaluate(inventory, healthy(b -> b.machineId = "abc", b -> b.machineId = "abc"), Map.of(), Set.of());
        CheckResult s1 = row(rows, "s1", Check.MACHINE_ID_UNIQUE);
        assertEquals(Result.FAIL, s1.result());
        assertTrue(s1.detail().contains("also s2's") && s1.detail().contains("systemd-machine-id-setup"), s1.detail());
        assertEquals(Result.FAIL, row(rows, "s2", Check.MACHINE_ID_UNIQUE).result());
        assertEquals(Result.PASS, row(rows, "a1", Check.MACHINE_ID_UNIQUE).result());
    }

    @Test
    void anEmptyMachineIdFails() {
        List<CheckResult> rows = evaluate(Fakes.inventory(tmp, null, null), healthy(b -> b.machineId = "", b -> { }), Map.of(), Set.of());
        assertEquals(Result.FAIL, row(rows, "s1", Check.MACHINE_ID_UNIQUE).result());
    }

    @Test
    void aDuplicateHostnameAndNodeIpFail() {
        List<CheckResult> rows = evaluate(Fakes.inventory(tmp, null, null), healthy(b -> { }, b -> b.hostname = "s1"), Map.of(), Set.of());
        assertEquals(Result.FAIL, row(rows, "s2", Check.HOSTNAME_UNIQUE).result());
        assertEquals(Result.PASS, row(rows, "a1", Check.HOSTNAME_UNIQUE).result());
    }

    @Test
    void aNodeIpNotOnAnyInterfaceFails() {
        // s2's address 10.0.0.12 is the node IP; the host has 10.0.0.99 only
        List<CheckResult> rows = evaluate(Fakes.inventory(tmp, null, null), healthy(b -> { }, b -> b.ip = "10.0.0.99"), Map.of(), Set.of());
        CheckResult r = row(rows, "s2", Check.NODE_IP_LOCAL);
        assertEquals(Result.FAIL, r.result());
        assertTrue(r.detail().startsWith("10.0.0.12 (hosts[].address) is on none of the host's interfaces"), r.detail());
    }

    @Test
    void tooLittleMemoryByTheConfiguredMinimumFailsAndFivePercentBelowPasses() {
        Inventory inventory = Fakes.inventory(tmp, "preflight: {server: {memoryMiB: 16384}}", null);
        List<CheckResult> rows = evaluate(inventory, healthy(b -> b.memoryMiB = 8192, b -> b.memoryMiB = 15600), Map.of(), Set.of());
        CheckResult r = row(rows, "s1", Check.MEMORY);
        assertEquals(Result.FAIL, r.result());
        assertTrue(r.detail().contains("below the server minimum of 16384 MiB (preflight.server.memoryMiB)"), r.detail());
        assertEquals(Result.PASS, row(rows, "s2", Check.MEMORY).result(), "MemTotal 4.8 % under the minimum");
        // the agent is held to the agent minimum (default 2048)
        assertEquals(Result.PASS, row(rows, "a1", Check.MEMORY).result());
    }

    @Test
    void cpuAndDiskAgainstTheRoleMinimums() {
        Inventory inventory = Fakes.inventory(tmp, "preflight: {server: {cpus: 8, diskGiB: 200}}", null);
        List<CheckResult> rows = evaluate(inventory, healthy(b -> { }, b -> { b.cpus = 8; b.diskGiB = 200; }), Map.of(), Set.of());
        assertEquals(Result.FAIL, row(rows, "s1", Check.CPU).result());
        assertEquals(Result.FAIL, row(rows, "s1", Check.DISK).result());
        assertEquals(Result.PASS, row(rows, "s2", Check.CPU).result());
        assertEquals(Result.PASS, row(rows, "s2", Check.DISK).result());
    }

    @Test
    void aClockOffBeyondTheBoundFailsAndWithinPasses() {
        Inventory inventory = Fakes.inventory(tmp, "preflight: {maxClockSkewSeconds: 5}", null);
        List<CheckResult> rows = evaluate(inventory, healthy(b -> b.clock = Fakes.NOW.minus(Duration.ofHours(1)),
                b -> b.clock = Fakes.NOW.plusSeconds(4)), Map.of(), Set.of());
        CheckResult r = row(rows, "s1", Check.CLOCK);
        assertEquals(Result.FAIL, r.result());
        assertTrue(r.detail().startsWith("clock is -3600.0 s off the operator's machine (at most 5 s"), r.detail());
        assertEquals(Result.PASS, row(rows, "s2", Check.CLOCK).result());
    }

    @Test
    void swapWarnsOnly() {
        List<CheckResult> rows = evaluate(Fakes.inventory(tmp, null, null), healthy(b -> b.swapMiB = 1024, b -> { }), Map.of(), Set.of());
        assertEquals(Result.WARN, row(rows, "s1", Check.SWAP).result());
    }

    @Test
    void unknownArchFailsAndUnknownOsWarns() {
        List<CheckResult> rows = evaluate(Fakes.inventory(tmp, null, null),
                healthy(b -> b.machine = "riscv64", b -> { b.osId = "gentoo"; }), Map.of(), Set.of());
        assertEquals(Result.FAIL, row(rows, "s1", Check.ARCH).result());
        assertEquals(Result.WARN, row(rows, "s2", Check.OS).result());
        List<CheckResult> like = evaluate(Fakes.inventory(tmp, null, null),
                healthy(b -> { b.osId = "rocky-variant"; b.osLike = "rhel centos fedora"; }, b -> { }), Map.of(), Set.of());
        assertEquals(Result.PASS, row(like, "s1", Check.OS).result(), "an ID_LIKE rhel distribution is a RHEL-like");
    }

    @Test
    void noDefaultRouteFails() {
        List<CheckResult> rows = evaluate(Fakes.inventory(tmp, null, null), healthy(b -> b.defaultRoute = false, b -> { }), Map.of(), Set.of());
        assertEquals(Result.FAIL, row(rows, "s1", Check.DEFAULT_ROUTE).result());
    }

    @Test
    void aPortHeldByAnotherProcessFailsNamingIt() {
        Map<String, List<Listener>> listeners = Map.of("s1", List.of(new Listener("0.0.0.0", 9345, "socat", 4242)));
        List<CheckResult> rows = evaluate(Fakes.inventory(tmp, null, null), healthy(b -> { }, b -> { }), listeners, Set.of());
        CheckResult r = row(rows, "s1", Check.PORTS);
        assertEquals(Result.FAIL, r.result());
        assertTrue(r.detail().startsWith("9345 (RKE2 supervisor) is held by socat (pid 4242) on 0.0.0.0"), r.detail());
        assertEquals(Result.PASS, row(rows, "s2", Check.PORTS).result());
    }

    @Test
    void portsHeldByThisClustersRke2PassOnlyWhileItsUnitIsActive() {
        List<Listener> rke2 = List.of(new Listener("*", 9345, "rke2", 10), new Listener("*", 6443, "kube-apiserver", 11),
                new Listener("10.0.0.11", 2379, "etcd", 12), new Listener("*", 9099, "calico-node", 13));
        List<CheckResult> converged = evaluate(Fakes.inventory(tmp, null, null),
                healthy(b -> b.units = Set.of("rke2-server"), b -> { }), Map.of("s1", rke2), Set.of());
        CheckResult ok = row(converged, "s1", Check.PORTS);
        assertEquals(Result.PASS, ok.result(), ok.detail());
        assertTrue(ok.detail().startsWith("held by this cluster's RKE2 (rke2-server active): 6443 (kube-apiserver), 9345 (rke2)"), ok.detail());

        List<CheckResult> stale = evaluate(Fakes.inventory(tmp, null, null), healthy(b -> { }, b -> { }), Map.of("s1", rke2), Set.of());
        assertEquals(Result.FAIL, row(stale, "s1", Check.PORTS).result(), "an rke2 process without its unit is not this cluster's");

        List<CheckResult> wrongRole = evaluate(Fakes.inventory(tmp, null, null),
                healthy(b -> b.units = Set.of("rke2-agent"), b -> { }), Map.of("s1", rke2), Set.of());
        assertTrue(row(wrongRole, "s1", Check.PORTS).detail().startsWith("rke2-agent is active but the inventory makes this host a server"));
    }

    @Test
    void cniPortsFollowTheInventory() {
        Map<String, List<Listener>> listeners = Map.of("a1", List.of(new Listener("127.0.0.1", 4240, "python3", 7)));
        Map<String, HostFacts> facts = healthy(b -> { }, b -> { });
        assertEquals(Result.PASS, row(evaluate(Fakes.inventory(tmp, null, null), facts, listeners, Set.of()), "a1", Check.PORTS).result(),
                "4240 is Cilium's, not Canal's");
        assertEquals(Result.FAIL, row(evaluate(Fakes.inventory(tmp, null, "  cni: cilium"), facts, listeners, Set.of()), "a1",
                Check.PORTS).result());
    }

    @Test
    void withoutSudoPortsInUseCannotBeAttributedAndFail() {
        Inventory inventory = Fakes.inventory(tmp, null, null);
        Map<String, HostFacts> facts = healthy(b -> b.listeners = List.of("0.0.0.0:22", "[::]:6443"), b -> { });
        List<HostProbe> probes = new ArrayList<>();
        for (Host h : inventory.hosts()) {
            probes.add(new HostProbe(h, null, facts.get(h.name()), null, h.name().equals("s1") ? "sudo: a password is required" : null,
                    h.name().equals("s1") ? null : List.of()));
        }
        List<CheckResult> rows = new HostChecks(inventory, Preflight.settings(inventory)).evaluate(probes, Set.of());
        assertEquals(Result.FAIL, row(rows, "s1", Check.SUDO).result());
        CheckResult ports = row(rows, "s1", Check.PORTS);
        assertEquals(Result.FAIL, ports.result());
        assertTrue(ports.detail().contains("6443 (Kubernetes API) is held by a process we could not identify on [::] (owners need sudo)"),
                ports.detail());
    }

    @Test
    void kernelModules() {
        Inventory inventory = Fakes.inventory(tmp, null, null);
        List<CheckResult> rows = evaluate(inventory, healthy(
                b -> b.modules = Map.of("overlay", ModuleState.BUILTIN, "br_netfilter", ModuleState.AVAILABLE),
                b -> b.modules = Map.of("overlay", ModuleState.LOADED, "br_netfilter", ModuleState.MISSING)), Map.of(), Set.of());
        assertEquals(Result.PASS, row(rows, "s1", Check.KERNEL_MODULES).result(), "loadable is enough: RKE2's units modprobe");
        CheckResult missing = row(rows, "s2", Check.KERNEL_MODULES);
        assertEquals(Result.FAIL, missing.result());
        assertTrue(missing.detail().startsWith("br_netfilter neither loaded nor available"), missing.detail());
        List<CheckResult> unknown = evaluate(inventory, healthy(
                b -> b.modules = Map.of("overlay", ModuleState.LOADED, "br_netfilter", ModuleState.UNKNOWN), b -> { }), Map.of(), Set.of());
        assertEquals(Result.WARN, row(unknown, "s1", Check.KERNEL_MODULES).result());
    }

    @Test
    void firewalldNetworkManagerAndFapolicydGiveTheRke2DocsAdvice() {
        Inventory inventory = Fakes.inventory(tmp, null, null);
        List<CheckResult> rows = evaluate(inventory, healthy(
                b -> b.units = Set.of("firewalld", "NetworkManager", "fapolicyd"),
                b -> { b.units = Set.of("NetworkManager", "fapolicyd"); b.nmUnmanaged = "interface-name:flannel*;interface-name:cali*;";
                    b.fapolicydRules = true; }), Map.of(), Set.of());
        assertEquals(Result.WARN, row(rows, "s1", Check.FIREWALL).result());
        CheckResult nm = row(rows, "s1", Check.NETWORK_MANAGER);
        assertEquals(Result.WARN, nm.result());
        assertTrue(nm.detail().contains("/etc/NetworkManager/conf.d/rke2-canal.conf"), nm.detail());
        assertEquals(Result.WARN, row(rows, "s1", Check.FAPOLICYD).result());
        assertEquals(Result.PASS, row(rows, "s2", Check.NETWORK_MANAGER).result());
        assertEquals(Result.PASS, row(rows, "s2", Check.FAPOLICYD).result());
        List<CheckResult> cloud = evaluate(inventory, healthy(b -> b.units = Set.of("nm-cloud-setup"), b -> { }), Map.of(), Set.of());
        assertEquals(Result.FAIL, row(cloud, "s1", Check.NETWORK_MANAGER).result());
    }

    @Test
    void aReadOnlyUsrLocalIsInformationNotAFailure() {
        List<CheckResult> rows = evaluate(Fakes.inventory(tmp, null, null), healthy(b -> b.usrLocal = false, b -> { }), Map.of(), Set.of());
        CheckResult r = row(rows, "s1", Check.USR_LOCAL);
        assertEquals(Result.PASS, r.result());
        assertTrue(r.detail().contains("/opt/rke2"), r.detail());
    }

    @Test
    void skippedChecksHaveNoRowHere() {
        List<CheckResult> rows = evaluate(Fakes.inventory(tmp, null, null), healthy(b -> b.swapMiB = 10, b -> { }), Map.of(),
                Set.of(Check.SWAP, Check.CLOCK));
        assertFalse(rows.stream().anyMatch(r -> r.check() == Check.SWAP || r.check() == Check.CLOCK));
    }

    @Test
    void anUnreachableHostIsARowNotAnError() {
        Inventory inventory = Fakes.inventory(tmp, null, null);
        List<HostProbe> probes = new ArrayList<>();
        for (Host h : inventory.hosts()) {
            probes.add(h.name().equals("a1")
                    ? HostProbe.unreachable(h, new HostProbe.Failure(Check.REACHABLE, "connection refused"))
                    : new HostProbe(h, null, Fakes.facts(h.name(), h.address()), null, null, List.of()));
        }
        List<CheckResult> rows = new HostChecks(inventory, Preflight.settings(inventory)).evaluate(probes, Set.of());
        assertEquals(new CheckResult("a1", Check.REACHABLE, Result.FAIL, "connection refused"), row(rows, "a1", Check.REACHABLE));
        assertEquals(Result.SKIPPED, row(rows, "a1", Check.AUTH).result());
        assertEquals(Result.PASS, row(rows, "s1", Check.MACHINE_ID_UNIQUE).result());
    }
}
