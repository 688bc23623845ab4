package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.preflight.Check;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without machines: hosts on loopback ports nothing listens on. */
class PreflightCommandTest {
    @TempDir
    Path tmp;

    private Path inventory(int port, String extra) throws Exception {
        return Files.writeString(tmp.resolve("inventory.yaml"), String.join("\n",
                "cluster: {name: seed-lab, rke2Version: v1.35.7+rke2r1}",
                "ssh: {knownHosts: " + tmp.resolve("known_hosts") + ", connectTimeoutSeconds: 2}",
                "apps: {rancher: {enabled: false}, argocd: {enabled: false}}",
                extra,
                "hosts:",
                "  - {name: s1, address: 127.0.0.1, role: server, ssh: {port: " + port + "}}",
                "  - {name: a1, address: 127.0.0.2, role: agent, ssh: {port: " + port + "}}",
                ""));
    }

    /** A port that was just free: connecting to it is refused at once. */
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void unreachableHostsAreAllReportedAndExit3() throws Exception {
        CommandRunner.Result r = CommandRunner.run(Map.of(), tmp, "preflight", inventory(closedPort(), "").toString());
        assertEquals(3, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().startsWith("HOST  CHECK      RESULT   DETAIL\n"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("s1\\s+reachable\\s+FAIL\\s+.*127\\.0\\.0\\.1.*")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("a1\\s+reachable\\s+FAIL\\s+.*127\\.0\\.0\\.2.*")), r.out());
        assertTrue(r.out().strip().endsWith("preflight failed: 2 failure(s), 0 warning(s) on 2 host(s)"), r.out());
    }

    /** Preflight runs on install's engine (action/PreflightAction): its phases are reported; read-only, it keeps no run log. */
    @Test
    void runsAsAnActionOnTheEngineAndWritesNoLog() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        CommandRunner.Result r = CommandRunner.run(Map.of(), home, "preflight", inventory(closedPort(), "").toString());
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(r.err().contains("preflight of cluster seed-lab on 2 host(s), run "), r.err());
        assertTrue(r.err().contains("[1/2] Connect to 2 hosts") && r.err().contains("[2/2] Preflight checks"), r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("s1: cannot connect: ")), r.err());
        assertEquals(false, Files.exists(home.resolve(".local/state/seed-bootstrap/logs")), "no run log for a read-only check");
    }

    @Test
    void jsonHasEveryRow() throws Exception {
        CommandRunner.Result r = CommandRunner.run(Map.of(), tmp, "preflight", "-o", "json", inventory(closedPort(), "").toString());
        assertEquals(3, r.exitCode(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(false, json.get("passed").asBoolean());
        assertEquals(2, json.get("failures").asInt());
        assertEquals("s1", json.get("results").get(0).get("host").asText());
        assertEquals("reachable", json.get("results").get(0).get("check").asText());
        assertEquals("fail", json.get("results").get(0).get("result").asText());
    }

    @Test
    void aBadInventoryIsExit2() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "cluster: {name: Bad_Name}\nhosts: []\n");
        CommandRunner.Result r = CommandRunner.run(Map.of(), tmp, "preflight", bad.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("", r.out());
        CommandRunner.Result skip = CommandRunner.run(Map.of(), tmp, "preflight", inventory(closedPort(), "preflight: {skip: [nope]}").toString());
        assertEquals(2, skip.exitCode(), skip.err());
        assertTrue(skip.err().contains("preflight.skip: cannot skip nope"), skip.err());
    }

    @Test
    void helpNamesEveryCheck() {
        CommandRunner.Result r = CommandRunner.run("preflight", "--help");
        assertEquals(0, r.exitCode());
        String help = r.out().replaceAll("\\s+", " ");
        Arrays.stream(Check.values()).forEach(c -> assertTrue(help.contains(" " + c.key() + ",") || help.contains(" " + c.key() + " ("), c.key() + " missing from:\n" + r.out()));
    }
}
