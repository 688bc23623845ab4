package io.seedbootstrap.testvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The run-time switch where {@code admin} needs a password for sudo. */
class TestMachinesSudoPasswordIT {

    private static final String PASSWORD = "pw-" + UUID.randomUUID();

    @RegisterExtension
    static final TestMachines machines = TestMachines.builder().count(1).sudoPassword(PASSWORD).build();

    @Test
    void sudoWithoutPasswordIsRefused() throws IOException {
        try (SshSession ssh = SshSession.open(machines.get(0))) {
            ExecResult r = ssh.run("sudo -n true");
            assertNotEquals(0, r.exitCode());
            assertTrue(r.stderr().contains("password is required"), r.stderr());
        }
    }

    @Test
    void sudoWithThePasswordOnStdinWorks() throws IOException {
        TestMachine m = machines.get(0);
        assertEquals(PASSWORD, m.sudoPassword().orElseThrow());
        try (SshSession ssh = SshSession.open(m)) {
            ExecResult r = ssh.run("sudo -S -p '' id -u", PASSWORD + "\n");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals("0", r.stdout().trim());
        }
    }

    @Test
    void aWrongPasswordIsRefused() throws IOException {
        try (SshSession ssh = SshSession.open(machines.get(0))) {
            ExecResult r = ssh.run("sudo -S -p '' true", "not-the-password\n");
            assertNotEquals(0, r.exitCode());
        }
    }

    @Test
    void thePasswordIsNotInTheEnvironmentOfPid1() {
        assertEquals(1, machines.get(0).sh("grep -c TESTVM_SUDO_PASSWORD /proc/1/environ").exitCode());
    }
}
