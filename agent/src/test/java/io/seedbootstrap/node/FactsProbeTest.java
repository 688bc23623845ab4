package io.seedbootstrap.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.host.ModuleState;
import io.seedbootstrap.support.SeedException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FactsProbeTest {
    private static final String OUTPUT = String.join("\n",
            "hostname=seed-1", "machine_id=0123456789abcdef0123456789abcdef", "os_id=debian", "os_version_id=12",
            "os_name=Debian GNU/Linux 12 (bookworm)", "machine=x86_64", "kernel=6.1.0-18-amd64", "cpus=4",
            "memory_kib=8126464", "swap_kib=0", "rancher_free_kib=52428800", "ipv4=127.0.0.1 10.10.0.11 ",
            "default_route=yes", "clock_ms=1790000000123", "usr_local_writable=no", "active_units= firewalld rke2-server",
            "rke2_prefix=", "rke2_version=", "os_like=", "default_ipv4=10.10.0.11",
            "tcp_listen=0.0.0.0:22 [::]:22 127.0.0.1:9099 ", "module_overlay=loaded", "module_br_netfilter=available",
            "nm_unmanaged=interface-name:cali*;", "fapolicyd_rke2_rules=no", "tools= python3 bash timeout ss", "");

    /** The script itself, run by this machine's sh (it is read-only): what it finds with builtins agrees with the tools it replaced. */
    @Test
    void theScriptRunsHereAndAgreesWithTheToolsItSpares() throws Exception {
        String out = sh(FactsProbe.SCRIPT);
        HostFacts facts = FactsProbe.parse("here", out);
        assertEquals(sh("hostname -s").strip(), facts.hostname(), out);
        String dir = sh("d=/var/lib/rancher; while [ ! -d \"$d\" ]; do d=$(dirname \"$d\"); done; echo $d").strip();
        long free = Long.parseLong(sh("df -Pk " + dir + " | awk 'NR==2{print $4}'").strip());
        long found = Long.parseLong(out.lines().filter(l -> l.startsWith("rancher_free_kib=")).findFirst().orElseThrow().substring(17));
        assertTrue(Math.abs(found - free) <= Math.max(1024, free / 100), found + " KiB free, df says " + free);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("ss-ltnp: ")) || !out.contains("ss_exit=0"), out);
        assertTrue(out.contains("\nnm_unmanaged=") && out.contains("\nrke2_version="), out);
    }

    private static String sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void parsesEveryFact() {
        HostFacts facts = FactsProbe.parse("seed-1", OUTPUT);
        assertEquals("seed-1", facts.hostname());
        assertEquals(Arch.AMD64, facts.arch().orElseThrow());
        assertEquals(4, facts.cpus());
        assertEquals(7936, facts.memoryMiB());
        assertEquals(50, facts.rancherDiskFreeGiB());
        assertEquals(List.of("127.0.0.1", "10.10.0.11"), facts.ipv4());
        assertTrue(facts.defaultRoute());
        assertEquals(Instant.ofEpochMilli(1790000000123L), facts.clock());
        assertTrue(facts.unitActive("firewalld"));
        assertTrue(facts.unitActive("rke2-server"));
        assertFalse(facts.unitActive("fapolicyd"));
        assertFalse(facts.rke2Installed());
        // contract A.2: a read-only /usr/local moves the tarball prefix
        assertEquals("/opt/rke2", facts.tarPrefix());
    }

    @Test
    void parsesWhatPreflightNeeds() {
        Instant operator = Instant.ofEpochMilli(1790000003123L);
        HostFacts facts = FactsProbe.parse("seed-1", OUTPUT, operator);
        assertEquals("10.10.0.11", facts.defaultRouteIpv4());
        assertEquals(java.util.Set.of(22, 9099), facts.listeningPorts());
        assertEquals(ModuleState.LOADED, facts.module("overlay"));
        assertEquals(ModuleState.AVAILABLE, facts.module("br_netfilter"));
        assertEquals(ModuleState.UNKNOWN, facts.module("nf_conntrack"));
        assertEquals("interface-name:cali*;", facts.networkManagerUnmanaged());
        assertTrue(facts.hasTool("python3"));
        assertFalse(facts.hasTool("socat"));
        // the host's clock is 3 s behind the operator's
        assertEquals(-3000, facts.clockOffset().toMillis());
    }

    @Test
    void theRootProbesListenersComeWithTheFactsWhenSsRanThere() {
        // the ss lines hold '=' (pid=812): they are listeners, not facts
        String output = OUTPUT + String.join("\n", "ss_exit=0",
                FactsProbe.LISTENER_LINE + "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process",
                FactsProbe.LISTENER_LINE + "LISTEN 0      4096         0.0.0.0:9345      0.0.0.0:*    users:((\"rke2\",pid=812,fd=7))",
                FactsProbe.LISTENER_LINE + "LISTEN 0      128             [::]:22           [::]:*", "");
        assertEquals(List.of(new Listener("0.0.0.0", 9345, "rke2", 812), new Listener("[::]", 22, "", 0)), FactsProbe.listeners(output));
        assertEquals(FactsProbe.parse("seed-1", OUTPUT), FactsProbe.parse("seed-1", output));
        // ss failed or missing on the host: no listeners from the facts, the root probe runs on its own and says why
        assertEquals(null, FactsProbe.listeners(output.replace("ss_exit=0", "ss_exit=127")));
        assertEquals(null, FactsProbe.listeners(OUTPUT));
        assertTrue(FactsProbe.SCRIPT.contains(RootProbe.SCRIPT), "the same command as the root probe");
    }

    @Test
    void aLookRidesInTheFactsCommandAndAnswersOnlyForThePathsLookedAt() {
        NodeProbes.Look look = new NodeProbes.Look(List.of("/etc/rancher/rke2/config.yaml", "/etc/rancher/rke2/token",
                "/etc/rancher/rke2/link.yaml", "/var/lib/rancher/rke2/server/db", "/etc/odd name.yaml"),
                List.of("/etc/rancher/node/password", "/var/lib/rancher/rke2/server/db/etcd"));
        String script = FactsProbe.script(look);
        assertTrue(script.startsWith(FactsProbe.SCRIPT), script);
        assertTrue(script.contains("sha256sum -- /etc/rancher/rke2/config.yaml /etc/rancher/rke2/token ") && !script.contains("odd name"), script);
        assertTrue(script.contains(SshFiles.existingScript(look.existing())), script);
        String sum = "a".repeat(64);
        String link = "b".repeat(64);
        // the token is missing; link.yaml is a symlink to a regular file ([ -f ] follows it, its own mode is shown); db is a folder
        String output = OUTPUT + String.join("\n",
                FactsProbe.SHA256_LINE + sum + "  /etc/rancher/rke2/config.yaml", FactsProbe.SHA256_LINE + link + "  /etc/rancher/rke2/link.yaml",
                FactsProbe.TYPE_LINE + "regular file|/etc/rancher/rke2/config.yaml", FactsProbe.TYPE_LINE + "regular empty file|/etc/rancher/rke2/link.yaml",
                FactsProbe.TYPE_LINE + "directory|/var/lib/rancher/rke2/server/db",
                FactsProbe.MODE_LINE + "600|/etc/rancher/rke2/config.yaml", FactsProbe.MODE_LINE + "777|/etc/rancher/rke2/link.yaml",
                FactsProbe.MODE_LINE + "755|/var/lib/rancher/rke2/server/db",
                FactsProbe.EXISTS_LINE + "/var/lib/rancher/rke2/server/db/etcd", "");
        NodeProbes.Looked looked = FactsProbe.looked(FactsProbe.parse("seed-1", OUTPUT), look, output);
        assertEquals(FactsProbe.parse("seed-1", OUTPUT), FactsProbe.parse("seed-1", output), "the look's lines are no facts");
        assertEquals(java.util.Map.of("/etc/rancher/rke2/config.yaml", new NodeFiles.State(sum, "0600"),
                "/etc/rancher/rke2/link.yaml", new NodeFiles.State(link, "0777")),
                looked.states(List.of("/etc/rancher/rke2/config.yaml", "/etc/rancher/rke2/token", "/etc/rancher/rke2/link.yaml",
                        "/var/lib/rancher/rke2/server/db")).orElseThrow());
        assertEquals(List.of("/var/lib/rancher/rke2/server/db/etcd"), looked.existing(look.existing()).orElseThrow());
        // a path not looked at (or not printable plainly): the caller must ask the host
        assertTrue(looked.states(List.of("/etc/odd name.yaml")).isEmpty());
        assertTrue(looked.states(List.of("/etc/rancher/rke2/registries.yaml")).isEmpty());
        assertTrue(looked.existing(List.of("/etc/passwd")).isEmpty());
        assertEquals(FactsProbe.SCRIPT, FactsProbe.script(NodeProbes.Look.NOTHING), "no look, the facts alone");
    }

    @Test
    void anInstalledRke2KeepsItsPrefix() {
        HostFacts facts = FactsProbe.parse("seed-1", OUTPUT.replace("rke2_prefix=\n", "rke2_prefix=/usr/local\n"));
        assertEquals("/usr/local", facts.tarPrefix());
        assertTrue(facts.rke2Installed());
    }

    @Test
    void theInstalledVersionMatchesExactlyNotAsAPrefix() {
        HostFacts facts = FactsProbe.parse("seed-1", OUTPUT.replace("rke2_prefix=\n", "rke2_prefix=/usr/local\n")
                .replace("rke2_version=\n", "rke2_version=rke2 version v1.35.7+rke2r10 (abc)\n"));
        assertEquals("v1.35.7+rke2r10", facts.installedRke2Version().orElseThrow());
        assertFalse(facts.runsRke2("v1.35.7+rke2r1"), "rke2r1 is another build than rke2r10");
        assertTrue(facts.runsRke2("v1.35.7+rke2r10"));
    }

    @Test
    void anUnknownArchitectureIsEmptyNotAnError() {
        assertTrue(FactsProbe.parse("h", OUTPUT.replace("machine=x86_64", "machine=riscv64")).arch().isEmpty());
    }

    @Test
    void aMissingNumberNamesTheHostAndTheFact() {
        SeedException e = assertThrows(SeedException.class, () -> FactsProbe.parse("seed-9", OUTPUT.replace("cpus=4\n", "")));
        assertTrue(e.getMessage().startsWith("seed-9: cannot read cpus"), e.getMessage());
    }
}
