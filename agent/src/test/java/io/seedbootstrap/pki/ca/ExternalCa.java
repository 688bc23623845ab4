package io.seedbootstrap.pki.ca;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An enterprise CA made with the openssl CLI, standing for the site's existing CA or an external one answering a CSR. */
final class ExternalCa {
    final Path dir;
    final Path rootCert;
    final Path rootKey;

    private ExternalCa(Path dir) {
        this.dir = dir;
        this.rootCert = dir.resolve("ext-root.crt");
        this.rootKey = dir.resolve("ext-root.key");
    }

    /** A self-signed EC root, CA:true with keyCertSign. */
    static ExternalCa create(Path dir) throws IOException {
        Files.createDirectories(dir);
        ExternalCa ca = new ExternalCa(dir);
        Openssl.ok("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", ca.rootKey.toString(),
                "-out", ca.rootCert.toString(), "-subj", "/O=Enterprise/CN=Enterprise Root CA", "-days", "3650",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return ca;
    }

    /** A certificate signed by this root with the given extensions (openssl extension-file lines) for a new EC key. */
    Path[] issue(String name, String extensions) throws IOException {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path certificate = dir.resolve(name + ".crt");
        Openssl.ok("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(),
                "-out", csr.toString(), "-subj", "/O=Enterprise/CN=" + name);
        sign(csr, certificate, extensions);
        return new Path[] {certificate, key};
    }

    /** Signs a request as the external CA would, copying nothing but the given extensions. */
    void sign(Path csr, Path certificate, String extensions) throws IOException {
        Path extensionFile = dir.resolve(certificate.getFileName() + ".ext");
        Files.writeString(extensionFile, extensions + "\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n");
        Openssl.ok("x509", "-req", "-in", csr.toString(), "-CA", rootCert.toString(), "-CAkey", rootKey.toString(), "-set_serial", "4242",
                "-days", "1000", "-sha256", "-extfile", extensionFile.toString(), "-out", certificate.toString());
    }

    static Path concat(Path target, Path... files) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Path file : files) {
            text.append(Files.readString(file));
        }
        Files.writeString(target, text.toString());
        return target;
    }
}
