package io.seedbootstrap.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.seedbootstrap.inventory.model.Connection;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.HostSsh;
import io.seedbootstrap.inventory.model.JumpHost;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.inventory.model.Ssh;
import io.seedbootstrap.support.Secret;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SshTargetTest {
    private final Ssh defaults = new Ssh("deploy", 22, Path.of("/keys/id"), Secret.fromEnv("pp", "KEY_PP"),
            Path.of("/kh"), Secret.fromEnv("pw1", "SUDO_PW"),
            new JumpHost("bastion.example", 2222, null, null, "SHA256:abc"), 10, 300, 4);

    private Host host(HostSsh ssh) {
        return new Host("n1", "10.0.0.5", Connection.SSH, Role.SERVER, true, null, null, null, null, ssh, null);
    }

    @Test
    void aHostWithoutOverridesTakesTheDefaults() {
        SshTarget t = SshTarget.of(host(null), defaults);
        assertEquals("deploy", t.user());
        assertEquals(22, t.port());
        assertEquals(Path.of("/keys/id"), t.identityFile());
        assertNull(t.hostKey());
        assertEquals(Duration.ofSeconds(10), t.connectTimeout());
        assertEquals(Duration.ofSeconds(300), t.commandTimeout());
        assertEquals(4, t.maxSessions());
        assertEquals("bastion.example", t.jump().address());
        assertEquals(2222, t.jump().port());
        assertEquals("deploy", t.jump().user());
        assertEquals("SHA256:abc", t.jump().hostKey());
        assertNull(t.jump().sudoPassword());
    }

    @Test
    void hostOverridesWinKeyByKey() {
        SshTarget t = SshTarget.of(host(new HostSsh("ops", 2200, Path.of("/keys/n1"), Secret.literal("pw2"), "SHA256:xyz")), defaults);
        assertEquals("ops", t.user());
        assertEquals(2200, t.port());
        assertEquals(Path.of("/keys/n1"), t.identityFile());
        assertEquals("pw2", t.sudoPassword().reveal());
        assertEquals("SHA256:xyz", t.hostKey());
        assertEquals(Path.of("/kh"), t.knownHosts());
        assertFalse(t.toString().contains("pw2"), t.toString());
        assertFalse(t.toString().contains("pp,"), t.toString());
    }
}
