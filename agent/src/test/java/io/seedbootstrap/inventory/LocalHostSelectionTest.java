package io.seedbootstrap.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bind.Diagnostic;
import io.seedbootstrap.inventory.model.Connection;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.support.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which host is the machine seed-bootstrap runs on (docs/formats.md "Which host is local"). */
class LocalHostSelectionTest {
    @TempDir
    Path dir;

    private static final String HEAD = """
            cluster:
              name: demo
              rke2Version: v1.35.7+rke2r1
              registrationAddress: 10.0.0.10
            apps:
              rancher: {enabled: false}
            """;

    private LoadedInventory load(String rest) throws IOException {
        Path file = dir.resolve("inventory.yaml");
        Files.writeString(file, HEAD + rest);
        return new InventoryLoader(Environment.of(Map.of()), dir, BadInventoryCorpusTest.CORPUS_MACHINE).load(file, LoadOptions.defaults());
    }

    private static List<Connection> connections(LoadedInventory loaded) {
        return loaded.inventory().hosts().stream().map(Host::connection).toList();
    }

    @Test
    void aHostWhoseAddressIsThisMachineIsLocalAndTheNoteSaysSo() throws IOException {
        LoadedInventory loaded = load("""
                hosts:
                  - {name: s1, address: 10.0.0.11, role: server, bootstrap: true}
                  - {name: s2, address: 192.0.2.250, role: server}
                  - {name: s3, address: 10.0.0.13, role: server}
                """);
        assertTrue(loaded.ok(), loaded.diagnostics().toString());
        assertEquals(List.of(Connection.SSH, Connection.LOCAL, Connection.SSH), connections(loaded));
        Diagnostic note = loaded.diagnostics().get(0);
        assertEquals("hosts[1].address", note.path());
        assertTrue(note.render().contains("inventory.yaml:9:25: note: "), note.render());
        assertTrue(note.message().contains("192.0.2.250 is this machine: s2 is reached without SSH"), note.message());
    }

    @Test
    void connectionSshKeepsAHostOfThisMachineOnSsh() throws IOException {
        LoadedInventory loaded = load("""
                hosts:
                  - {name: s1, address: 192.0.2.250, role: server, connection: ssh}
                """);
        assertTrue(loaded.ok(), loaded.diagnostics().toString());
        assertEquals(List.of(Connection.SSH), connections(loaded));
        assertTrue(loaded.diagnostics().isEmpty(), loaded.diagnostics().toString());
    }

    @Test
    void behindAJumpHostAddressesAreTheFarSidesAndNeverMakeAHostLocal() throws IOException {
        LoadedInventory loaded = load("""
                ssh:
                  jumpHost: {address: 10.0.0.1}
                hosts:
                  - {name: s1, address: 192.0.2.250, role: server}
                """);
        assertTrue(loaded.ok(), loaded.diagnostics().toString());
        assertEquals(List.of(Connection.SSH), connections(loaded));
    }

    @Test
    void loopbackIsThisMachineForConnectionLocalButNeverMakesAHostLocalByItself() throws IOException {
        LoadedInventory local = load("""
                hosts:
                  - {name: s1, address: 127.0.0.1, role: server, connection: local}
                """);
        assertTrue(local.ok(), local.diagnostics().toString());
        assertEquals(List.of(Connection.LOCAL), connections(local));
        // a port forward to another machine's sshd
        LoadedInventory forwarded = load("""
                ssh: {port: 2222}
                hosts:
                  - {name: s1, address: 127.0.0.1, role: server}
                """);
        assertTrue(forwarded.ok(), forwarded.diagnostics().toString());
        assertEquals(List.of(Connection.SSH), connections(forwarded));
    }

    @Test
    void withoutALookAtThisMachineOnlyTheConnectionFieldsCount() throws IOException {
        Path file = dir.resolve("inventory.yaml");
        Files.writeString(file, HEAD + """
                hosts:
                  - {name: s1, address: 10.0.0.11, role: server, connection: local}
                  - {name: s2, address: 192.0.2.250, role: agent}
                """);
        LoadedInventory loaded = new InventoryLoader(Environment.of(Map.of()), dir).load(file, LoadOptions.defaults());
        assertTrue(loaded.ok(), loaded.diagnostics().toString());
        assertEquals(List.of(Connection.LOCAL, Connection.SSH), connections(loaded));
    }
}
