package io.seedbootstrap.testvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.schmizz.sshj.transport.TransportException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Three test machines behave like bare VMs: clean boot, own identity, SSH + sudo for admin. */
class TestMachinesIT {

    @RegisterExtension
    static final TestMachines machines = TestMachines.builder().count(3).build();

    @Test
    void everyMachineBootsSystemdWithoutFailedUnits() {
        for (TestMachine m : machines.machines()) {
            assertEquals("running", m.exec("systemctl", "is-system-running").stdout().trim(), m.name());
            assertEquals("", m.exec("systemctl", "--failed", "--no-legend", "--plain").stdout().trim(),
                    m.name() + " has failed units");
            assertEquals(m.name(), m.exec("hostname").stdout().trim());
        }
    }

    @Test
    void adminLogsInWithStrictHostKeyCheckingAndHasPasswordlessSudo() throws IOException {
        for (TestMachine m : machines.machines()) {
            try (SshSession ssh = SshSession.open(m)) {
                assertEquals("admin", ssh.run("id -un").stdout().trim());
                assertEquals(m.name(), ssh.run("hostname").stdout().trim());
                ExecResult sudo = ssh.run("sudo -n true");
                assertEquals(0, sudo.exitCode(), "sudo -n true on " + m.name() + ": " + sudo.stderr());
                assertEquals("0", ssh.run("sudo -n id -u").stdout().trim());
            }
        }
    }

    @Test
    void rootLogsInWithTheRunKeyToo() throws IOException {
        TestMachine m = machines.get(0);
        try (SshSession ssh = SshSession.open(m.sshHost(), m.sshPort(), m.knownHosts(), "root", m.privateKey())) {
            assertEquals("0", ssh.run("id -u").stdout().trim());
        }
    }

    @Test
    void aKnownHostsWithAnotherMachinesKeysIsRefused(@TempDir Path tmp) throws IOException {
        TestMachine vm1 = machines.get(0);
        TestMachine vm2 = machines.get(1);
        // vm1's names, but vm2's keys: what a man in the middle would present
        Path wrong = tmp.resolve("known_hosts");
        Files.writeString(wrong, vm2.hostKeys().stream()
                .map(k -> "[" + vm1.sshHost() + "]:" + vm1.sshPort() + ",[127.0.0.1]:" + vm1.sshPort() + " " + k)
                .collect(Collectors.joining("\n", "", "\n")));
        assertThrows(TransportException.class,
                () -> SshSession.open(vm1.sshHost(), vm1.sshPort(), wrong, vm1.user(), vm1.privateKey()).close());

        Path empty = Files.writeString(tmp.resolve("empty_known_hosts"), "");
        assertThrows(TransportException.class,
                () -> SshSession.open(vm1.sshHost(), vm1.sshPort(), empty, vm1.user(), vm1.privateKey()).close());
    }

    @Test
    void machineIdsAndHostKeysDifferBetweenMachines() {
        Set<String> ids = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (TestMachine m : machines.machines()) {
            String id = m.exec("cat", "/etc/machine-id").stdout().trim();
            assertTrue(id.matches("[0-9a-f]{32}"), m.name() + " machine-id: " + id);
            assertTrue(ids.add(id), "machine-id repeated: " + id);
            assertEquals(3, m.hostKeys().size(), m.name() + " host keys: " + m.hostKeys());
            for (String k : m.hostKeys()) {
                assertTrue(keys.add(k), "host key shared between machines: " + k);
            }
        }
    }

    @Test
    void everyMachineHasItsStaticIpAndADefaultRoute() {
        for (TestMachine m : machines.machines()) {
            assertFalse(m.exec("ip", "-4", "route", "show", "default").stdout().isBlank(), m.name());
            assertTrue(m.exec("ip", "-4", "-o", "addr", "show").stdout().contains(" " + m.ip() + "/"), m.name());
        }
    }

    @Test
    void machinesReachEachOtherByNameAndAddress() {
        TestMachine vm2 = machines.get(1);
        TestMachine vm1 = machines.get(0);
        assertEquals(0, vm2.exec("nc", "-z", "-w", "3", vm1.name(), "22").exitCode());
        assertEquals(0, vm2.exec("nc", "-z", "-w", "3", vm1.ip(), "22").exitCode());
    }

    @Test
    void machinesCannotSetTheClockOrLoadModulesOfTheSharedKernel() {
        for (TestMachine m : machines.machines()) {
            String bnd = m.sh("grep CapBnd /proc/1/status | cut -f2").stdout().trim();
            BigInteger caps = new BigInteger(bnd, 16);
            assertFalse(caps.testBit(25), m.name() + " has CAP_SYS_TIME");
            assertFalse(caps.testBit(16), m.name() + " has CAP_SYS_MODULE");
            assertTrue(caps.testBit(21), m.name() + " lacks CAP_SYS_ADMIN (systemd needs it)");
        }
    }

    @Test
    void knownHostsNamesEveryMachineByNameAddressAndJvmSidePort() throws IOException {
        List<String> lines = Files.readAllLines(machines.knownHosts());
        for (TestMachine m : machines.machines()) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(m.name() + "," + m.ip() + " ")), m.name());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("[" + m.sshHost() + "]:" + m.sshPort())), m.name());
        }
        assertEquals(Set.of("rw-------"), Set.of(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(machines.privateKey()))));
    }
}
