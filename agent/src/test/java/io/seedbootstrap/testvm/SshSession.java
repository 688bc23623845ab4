package io.seedbootstrap.testvm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

/**
 * Minimal sshj client for the test-machine ITs: strict host key checking against a given
 * known_hosts file only (no other verifier, so an unknown or changed key is refused).
 */
final class SshSession implements AutoCloseable {

    private final SSHClient ssh;

    private SshSession(SSHClient ssh) {
        this.ssh = ssh;
    }

    static SshSession open(String host, int port, Path knownHosts, String user, Path privateKey)
            throws IOException {
        SSHClient ssh = new SSHClient();
        try {
            ssh.loadKnownHosts(knownHosts.toFile());
            ssh.setConnectTimeout(10_000);
            ssh.connect(host, port);
            ssh.authPublickey(user, ssh.loadKeys(privateKey.toString()));
            return new SshSession(ssh);
        } catch (IOException | RuntimeException e) {
            ssh.close();
            throw e;
        }
    }

    static SshSession open(TestMachine m) throws IOException {
        return open(m.sshHost(), m.sshPort(), m.knownHosts(), m.user(), m.privateKey());
    }

    ExecResult run(String command) throws IOException {
        return run(command, null);
    }

    /** Runs a command (no PTY), feeding {@code stdin} when not null, and waits for its exit. */
    ExecResult run(String command, String stdin) throws IOException {
        try (Session session = ssh.startSession()) {
            Session.Command cmd = session.exec(command);
            try (OutputStream in = cmd.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    in.flush();
                }
            }
            // read both streams at once so neither can block the other
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(cmd.getErrorStream()));
            String out = drain(cmd.getInputStream());
            cmd.join(30, TimeUnit.SECONDS);
            Integer exit = cmd.getExitStatus();
            return new ExecResult(exit == null ? -1 : exit, out, err.join());
        }
    }

    private static String drain(InputStream in) {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    @Override
    public void close() throws IOException {
        ssh.close();
    }
}
