package io.seedbootstrap.preflight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.host.Hosts;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.ssh.SshFailure;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {
    @TempDir
    Path tmp;

    @Test
    void everyConnectionFailureIsARowAndAllHostsAreTried() {
        Inventory inventory = Fakes.inventory(tmp, null, null);
        PreflightReport report = new Preflight(new Hosts(Hosts.Limits.defaults())).run(inventory, host -> {
            throw switch (host.name()) {
                case "s1" -> new SshFailure(SshFailure.Kind.CONNECT, "cannot connect to s1: Connection refused");
                case "s2" -> new SshFailure(SshFailure.Kind.AUTH, "s2: the server refused every key");
                default -> new SshFailure(SshFailure.Kind.HOST_KEY_CHANGED, "a1: host key changed");
            };
        });
        assertTrue(report.failed());
        assertEquals(List.of(
                new CheckResult("s1", Check.REACHABLE, Result.FAIL, "cannot connect to s1: Connection refused"),
                new CheckResult("s1", Check.AUTH, Result.SKIPPED, "not reachable"),
                new CheckResult("s2", Check.AUTH, Result.FAIL, "s2: the server refused every key"),
                new CheckResult("a1", Check.AUTH, Result.FAIL, "a1: host key changed")), report.results());
        SeedException e = assertThrows(SeedException.class, report::requirePassed);
        assertEquals(ExitCode.UNEXPECTED_STATE, e.exitCode());
        assertTrue(e.getMessage().startsWith("preflight failed: 3 check(s)\n  s1 reachable: cannot connect"), e.getMessage());
    }

    @Test
    void anUnknownOrUnskippableCheckInSkipIsBadInputBeforeAnyConnection() {
        Inventory inventory = Fakes.inventory(tmp, "preflight: {skip: [swap, reachable, colck]}", null);
        SeedException e = assertThrows(SeedException.class, () -> new Preflight(new Hosts(Hosts.Limits.defaults())).run(inventory,
                host -> { throw new AssertionError("connected despite a bad skip list"); }));
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().startsWith("preflight.skip: cannot skip reachable, colck; checks that can be skipped: sudo, os,"),
                e.getMessage());
    }

    @Test
    void theTableListsEveryRowAndTheSummary() {
        PreflightReport report = new PreflightReport(List.of(
                new CheckResult("s1", Check.SWAP, Result.WARN, "1024 MiB of swap"),
                new CheckResult("s2", Check.MEMORY, Result.FAIL, "too little")));
        assertEquals("HOST  CHECK   RESULT   DETAIL\n"
                + "s1    swap    WARN     1024 MiB of swap\n"
                + "s2    memory  FAIL     too little\n"
                + "preflight failed: 1 failure(s), 1 warning(s) on 2 host(s)\n", PreflightTable.render(report));
    }
}
