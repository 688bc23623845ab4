package io.seedbootstrap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.seedbootstrap.ssh.ExecResult;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.ssh.Upload;
import io.seedbootstrap.ssh.UploadResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The relay makes the machine seed-bootstrap runs on the first holder: the bundle is read once, there. */
class RelayLocalFirstTest {
    private record Fake(String name, boolean isLocal) implements RemoteHost {
        @Override
        public ExecResult exec(RemoteCommand command) {
            throw new UnsupportedOperationException();
        }

        @Override
        public UploadResult upload(Upload upload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
    }

    private static Relay.Peer peer(String name, boolean local) {
        return new Relay.Peer(new Fake(name, local), "10.0.0.1", 22);
    }

    @Test
    void theLocalReceiverGoesFirstAndTheOthersKeepTheirOrder() {
        List<Relay.Peer> ordered = Relay.localFirst(List.of(peer("a", false), peer("b", false), peer("here", true), peer("c", false)));
        assertEquals(List.of("here", "a", "b", "c"), ordered.stream().map(Relay.Peer::name).toList());
        assertEquals(List.of("a", "b"), Relay.localFirst(List.of(peer("a", false), peer("b", false))).stream().map(Relay.Peer::name).toList());
    }
}
