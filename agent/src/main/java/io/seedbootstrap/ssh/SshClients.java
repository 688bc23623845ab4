package io.seedbootstrap.ssh;

import java.time.Duration;
import java.util.ArrayList;
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
 * preferred, keepalive that declares a silent peer dead, and only a modern set of algorithms.
 */
final class SshClients {
    /*
     * The algorithms offered, and nothing else: OpenSSH 9.x's client defaults (ssh_config(5) of
     * 9.2, what Debian 12 ships: KexAlgorithms, Ciphers, MACs, HostKeyAlgorithms) as far as sshj
     * implements them, never sshj's legacy tail (diffie-hellman-group1/14-sha1, group-exchange-sha1,
     * 3des, blowfish, arcfour, cbc modes, hmac-md5, hmac-sha1, ripemd, ssh-rsa with SHA-1, ssh-dss).
     * Left out of OpenSSH's defaults: sntrup761x25519 and umac (sshj has none), chacha20-poly1305
     * (sshj has it only on BouncyCastle as its provider, which JdkProvider turns off), host certificates
     * (we verify keys: pins and known_hosts), and the SHA-1 MACs (every sshd since 2011 has the
     * SHA-2 ones). docs/ssh.md "Algorithms".
     */
    /** Key exchange, in OpenSSH's order. */
    static final List<String> KEX = List.of("curve25519-sha256", "curve25519-sha256@libssh.org",
            "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "diffie-hellman-group-exchange-sha256",
            "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256");
    /** Not an algorithm: announces that we take the server's extensions (server-sig-algs for rsa-sha2, RFC 8308). */
    static final String EXT_INFO = "ext-info-c";
    /** Ciphers: the measured preference first (docs/ssh.md "Throughput"), then the rest of OpenSSH's set. */
    static final List<String> CIPHERS = List.of("aes128-gcm@openssh.com", "aes128-ctr", "aes256-gcm@openssh.com",
            "aes192-ctr", "aes256-ctr");
    /** Preferred first, in this order (the first is warmed up). */
    static final List<String> CIPHER_PREFERENCE = CIPHERS.subList(0, 2);
    /** MACs (unused with the AEAD ciphers above): encrypt-then-MAC first. */
    static final List<String> MACS = List.of("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
            "hmac-sha2-256", "hmac-sha2-512");
    /** Host key and user key signature algorithms. */
    static final List<String> KEY_ALGORITHMS = List.of("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256");

    /*
     * The largest packet a host may send us on a channel. sshj sizes each channel's stdout and stderr
     * buffers to it when it builds the channel: at its default (32 KiB, OpenSSH's session default)
     * that is most of what a command allocates here. Commands answer in a few KiB, so their channels
     * take 16 KiB packets: 90 -> 58 KiB allocated per command, ~15 MiB less garbage in a first install
     * of 20 hosts (issue 22, P8 RSS); a download's channel takes 32 KiB, as 16 KiB cost it ~20% of its
     * throughput (docs/ssh.md "Channel packet size"). SshRemoteHost#startSession picks per channel.
     */
    /** The packet size of a command's channel. */
    static final int COMMAND_PACKET = 16 << 10;
    /** The packet size of a download's channel. */
    static final int DOWNLOAD_PACKET = 32 << 10;

    private SshClients() {}

    /** Whether a user key of this type (as an agent lists it) can sign with one of {@link #KEY_ALGORITHMS}. */
    static boolean userKeyTypeSupported(String keyType) {
        return keyType != null && (keyType.equals("ssh-rsa") ? KEY_ALGORITHMS.stream().anyMatch(a -> a.startsWith("rsa-sha2-"))
                : KEY_ALGORITHMS.contains(keyType));
    }

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
     * in small packets, on a daemon thread, from the first upload large enough to gain from it
     * ({@link Uploader#WARM_UP_FROM}): a run that sends only commands and small files (a converged
     * re-run: P3) would spend ~1.5 CPU-s of a 2-core machine on it and on C2 compiling for nothing.
     * Once per JVM (class initialisation), nothing to reset.
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
        List<String> kex = new ArrayList<>(KEX);
        kex.add(EXT_INFO);
        config.setKeyExchangeFactories(only(config.getKeyExchangeFactories(), kex));
        config.setCipherFactories(only(config.getCipherFactories(), CIPHERS));
        config.setMACFactories(only(config.getMACFactories(), MACS));
        config.setKeyAlgorithms(only(config.getKeyAlgorithms(), KEY_ALGORITHMS));
        config.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
        return config;
    }

    private static final java.util.regex.Pattern UNSETTLED =
            java.util.regex.Pattern.compile("Unable to reach a settlement of (\\w+): \\[(.*?)\\] and \\[(.*?)\\]");

    /**
     * The message for a handshake that found no algorithm both sides have (sshj's "Unable to reach
     * a settlement of KIND: [ours] and [theirs]", Proposal.negotiate), or null for other failures.
     */
    static String noCommonAlgorithm(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            java.util.regex.Matcher m = e.getMessage() == null ? null : UNSETTLED.matcher(e.getMessage());
            if (m == null || !m.find()) {
                continue;
            }
            String kind = m.group(1);
            String[] what = kind.startsWith("KeyExchange") ? new String[] {"key exchange algorithm", "KexAlgorithms"}
                    : kind.startsWith("HostKey") ? new String[] {"host key algorithm", "HostKeyAlgorithms and a host key of that type"}
                    : kind.contains("Cipher") ? new String[] {"cipher", "Ciphers"}
                    : kind.contains("MAC") ? new String[] {"MAC", "MACs"}
                    : new String[] {"compression", "Compression"};
            return "it offers no " + what[0] + " seed-bootstrap accepts: the host offers " + algorithms(m.group(3))
                    + "; seed-bootstrap offers only " + algorithms(m.group(2)) + " (a modern set, OpenSSH 9's defaults; docs/ssh.md \"Algorithms\")."
                    + " Enable one of them in the host's sshd_config (" + what[1] + ") or upgrade its SSH server";
        }
        return null;
    }

    /** A list as sshj prints it, without the pseudo-algorithms that only signal extensions (ext-info-c/s, kex-strict-*). */
    private static String algorithms(String list) {
        return java.util.Arrays.stream(list.split(",")).map(String::strip)
                .filter(a -> !a.isEmpty() && !a.startsWith("ext-info-") && !a.startsWith("kex-strict-"))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** sshj's factories of these names, in this order; a name sshj lacks is a bug (an sshj upgrade dropped it). */
    static <T extends Factory.Named<?>> List<T> only(List<T> available, List<String> names) {
        List<T> chosen = new ArrayList<>();
        for (String name : names) {
            chosen.add(available.stream().filter(f -> f.getName().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("sshj offers no " + name)));
        }
        return chosen;
    }

    static SSHClient newClient(Duration connectTimeout, Duration keepAliveInterval, int keepAliveMaxMissed) {
        SSHClient client = new SSHClient(config());
        client.setSocketFactory(new NoDelaySockets());
        int ms = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        client.setConnectTimeout(ms);
        client.getTransport().setTimeoutMs(ms);
        client.getConnection().setTimeoutMs(ms);
        client.getConnection().setMaxPacketSize(COMMAND_PACKET);
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
