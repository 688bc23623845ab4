package io.seedbootstrap.ssh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.schmizz.keepalive.KeepAlive;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.keepalive.KeepAliveRunner;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.common.SecurityUtils;
import net.schmizz.sshj.transport.cipher.Cipher;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Builds sshj clients with the settings measured to matter (docs/ssh.md): the JDK's crypto
 * provider instead of BouncyCastle's pure-Java ciphers (AES-NI), aes128-gcm then aes128-ctr
 * preferred, keepalive that declares a silent peer dead.
 */
final class SshClients {
    /** Preferred first, in this order; every other cipher sshj offers stays, behind them. */
    static final List<String> CIPHER_PREFERENCE = List.of("aes128-gcm@openssh.com", "aes128-ctr");

    private SshClients() {}

    /**
     * sshj keeps its provider choice in a static; set it once per JVM, before the first config.
     * With BouncyCastle registered (it is on our classpath for the PKI code) sshj would use its
     * pure-Java AES: 1.6-1.8x slower. Resetting the provider also undoes a registration that
     * happened before (e.g. a library that called SecurityUtils first).
     */
    private static final class JdkProvider {
        static {
            SecurityUtils.setSecurityProvider(null);
            SecurityUtils.setRegisterBouncyCastle(false);
            // added last: it must never shadow a real provider, only fill the missing name
            if (java.security.Security.getProvider(JdkEcdsaAliases.NAME) == null
                    && !ecdsaKeyFactoryAvailable()) {
                java.security.Security.addProvider(new JdkEcdsaAliases());
            }
        }

        private static boolean ecdsaKeyFactoryAvailable() {
            try {
                java.security.KeyFactory.getInstance("ECDSA");
                return true;
            } catch (java.security.NoSuchAlgorithmException e) {
                return false;
            }
        }

        static void ensure() {
            // class initialisation did the work
        }
    }

    /**
     * Gets the JIT to compile the AES-GCM code with its CPU intrinsics before the first large
     * transfer. Until C2 compiles them (after thousands of calls: the first ~300 MB of a transfer
     * in 32 KiB packets), GCM runs several times slower, which made a new JVM upload 1 GiB 1.5 s
     * slower than a warm one. Many small packets reach the thresholds with little data: ~20 MB
     * in small packets, on a daemon thread, while the connection is set up. Once per JVM
     * (class initialisation), nothing to reset.
     */
    private static final class CipherWarmUp {
        static {
            Thread t = new Thread(CipherWarmUp::run, "ssh-cipher-warm-up");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            t.start();
        }

        static void ensure() {
            // class initialisation started it
        }

        private static void run() {
            try {
                for (Factory.Named<Cipher> f : config().getCipherFactories()) {
                    if (!f.getName().equals(CIPHER_PREFERENCE.get(0))) {
                        continue;
                    }
                    Cipher c = f.create();
                    c.init(Cipher.Mode.Encrypt, new byte[c.getBlockSize()], new byte[c.getIVSize()]);
                    byte[] packet = new byte[4 + 1024 + c.getAuthenticationTagSize()];
                    for (int i = 0; i < 20_000; i++) {
                        c.updateWithAAD(packet, 0, 4, 1024);
                    }
                }
            } catch (RuntimeException e) {
                // only an optimisation
            }
        }
    }

    /** Starts the one-time cipher warm-up (see {@link CipherWarmUp}); returns at once. */
    static void warmUpCiphers() {
        CipherWarmUp.ensure();
    }

    static DefaultConfig config() {
        JdkProvider.ensure();
        DefaultConfig config = new DefaultConfig();
        List<Factory.Named<Cipher>> ciphers = new ArrayList<>(config.getCipherFactories());
        ciphers.sort(Comparator.comparingInt(f -> {
            int i = CIPHER_PREFERENCE.indexOf(f.getName());
            return i < 0 ? CIPHER_PREFERENCE.size() : i;
        }));
        config.setCipherFactories(ciphers);
        config.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
        return config;
    }

    static SSHClient newClient(Duration connectTimeout, Duration keepAliveInterval, int keepAliveMaxMissed) {
        SSHClient client = new SSHClient(config());
        client.setSocketFactory(new NoDelaySockets());
        int ms = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        client.setConnectTimeout(ms);
        client.getTransport().setTimeoutMs(ms);
        client.getConnection().setTimeoutMs(ms);
        KeepAlive ka = client.getConnection().getKeepAlive();
        ka.setKeepAliveInterval((int) Math.max(1, keepAliveInterval.toSeconds()));
        if (ka instanceof KeepAliveRunner runner) {
            runner.setMaxAliveCount(Math.max(1, keepAliveMaxMissed));
        }
        return client;
    }

    /**
     * Sockets with TCP_NODELAY, as OpenSSH uses. With Nagle on, each 32 KiB SSH packet waits for
     * delayed ACKs: measured here, 1 GiB took 1.4-1.6 CPU-s and 2.5-4.4 s; with NODELAY 0.9-1.0
     * CPU-s and 1.9-2.1 s (same machine, same minute).
     */
    static final class NoDelaySockets extends SocketFactory {
        @Override
        public Socket createSocket() throws IOException {
            return noDelay(new Socket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(new Socket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return noDelay(new Socket(address, port, localAddress, localPort));
        }

        private static Socket noDelay(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            return socket;
        }
    }
}
