package io.seedbootstrap.pki.ca;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The catalogue of the PKI directory (docs/formats.md): every file it may hold, with its kind. */
final class PkiFiles {
    private PkiFiles() {}

    /**
     * @param leafKinds the kind of each host name's certificate (from the inventory or the previous
     *     manifest); other host names found under site/certs/ are SITE_SERVER_TLS
     */
    static List<KnownFile> catalogue(PkiLayout layout, Map<String, FileKind> leafKinds) {
        List<KnownFile> files = new ArrayList<>();
        files.add(file(layout.clusterRootCert(), FileKind.CLUSTER_ROOT_CA));
        files.add(key(layout.clusterRootKey(), FileKind.CLUSTER_ROOT_CA_KEY, layout.clusterRootCert()));
        files.add(file(layout.clusterIntermediateCert(), FileKind.CLUSTER_INTERMEDIATE_CA));
        files.add(key(layout.clusterIntermediateKey(), FileKind.CLUSTER_INTERMEDIATE_CA_KEY, layout.clusterIntermediateCert()));
        for (Rke2Ca ca : Rke2Ca.values()) {
            files.add(file(layout.rke2CaCert(ca), ca.certificateKind()));
            files.add(key(layout.rke2CaKey(ca), ca.certificateKind().keyKind(), layout.rke2CaCert(ca)));
        }
        files.add(key(layout.serviceKey(), FileKind.RKE2_SERVICE_KEY, null));
        files.add(file(layout.serverToken(), FileKind.SERVER_TOKEN));
        files.add(file(layout.agentToken(), FileKind.AGENT_TOKEN));
        files.add(file(layout.siteRootCert(), FileKind.SITE_ROOT_CA));
        files.add(key(layout.siteRootKey(), FileKind.SITE_ROOT_CA_KEY, layout.siteRootCert()));
        files.add(file(layout.siteCacerts(), FileKind.SITE_CACERTS));
        files.add(file(layout.siteIssuingCert(), FileKind.SITE_ISSUING_CA));
        files.add(key(layout.siteIssuingKey(), FileKind.SITE_ISSUING_CA_KEY,
                Files.exists(layout.siteIssuingCert()) ? layout.siteIssuingCert() : layout.siteIssuingCsr()));
        files.add(file(layout.siteIssuingCsr(), FileKind.SITE_ISSUING_CA_CSR));
        for (String hostname : leafHostnames(layout)) {
            FileKind kind = leafKinds.getOrDefault(hostname, FileKind.SITE_SERVER_TLS);
            files.add(new KnownFile(layout.leafCert(hostname), kind, hostname, null));
            files.add(new KnownFile(layout.leafKey(hostname), kind.keyKind(), hostname, layout.leafCert(hostname)));
        }
        return files;
    }

    /** Host names that have a directory under site/certs/, sorted. */
    static List<String> leafHostnames(PkiLayout layout) {
        if (!Files.isDirectory(layout.leafDir())) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(layout.leafDir())) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw SecureFiles.unreadable(layout.leafDir(), e);
        }
    }

    private static KnownFile file(Path path, FileKind kind) {
        return new KnownFile(path, kind, null, null);
    }

    private static KnownFile key(Path path, FileKind kind, Path pairedWith) {
        return new KnownFile(path, kind, null, pairedWith);
    }
}
