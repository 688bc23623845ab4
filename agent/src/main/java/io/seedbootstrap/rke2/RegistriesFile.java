package io.seedbootstrap.rke2;

import io.seedbootstrap.inventory.model.Registries;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * /etc/rancher/rke2/registries.yaml (contract A.6), the same on every node. It can hold registry
 * passwords, so it is written 0600 and never shown; CA files are copied to
 * {@link Rke2Paths#REGISTRY_CERTS} and referenced by path.
 */
public final class RegistriesFile {
    private RegistriesFile() {}

    /** Empty when the inventory configures no mirror and no registry settings. */
    public static Optional<String> render(Registries registries) {
        if (registries.mirrors().isEmpty() && registries.configs().isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> document = new LinkedHashMap<>();
        Map<String, Object> mirrors = new LinkedHashMap<>();
        registries.mirrors().forEach((name, mirror) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("endpoint", List.copyOf(mirror.endpoints()));
            if (!mirror.rewrite().isEmpty()) {
                entry.put("rewrite", new LinkedHashMap<>(mirror.rewrite()));
            }
            mirrors.put(name, entry);
        });
        document.put("mirrors", mirrors);
        Map<String, Object> configs = new LinkedHashMap<>();
        registries.configs().forEach((endpoint, config) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            if (config.username() != null || config.password() != null) {
                Map<String, Object> auth = new LinkedHashMap<>();
                if (config.username() != null) {
                    auth.put("username", config.username());
                }
                if (config.password() != null) {
                    auth.put("password", config.password().reveal());
                }
                entry.put("auth", auth);
            }
            Map<String, Object> tls = new LinkedHashMap<>();
            if (config.caFile() != null) {
                tls.put("ca_file", caPath(endpoint));
            }
            if (config.insecureSkipVerify()) {
                tls.put("insecure_skip_verify", true);
            }
            if (!tls.isEmpty()) {
                entry.put("tls", tls);
            }
            configs.put(endpoint, entry);
        });
        if (!configs.isEmpty()) {
            document.put("configs", configs);
        }
        return Optional.of("# Written by seed-bootstrap from the inventory's registries section.\n" + ConfigYaml.write(document));
    }

    /** Where the CA file of a registry endpoint is put on every node. */
    public static String caPath(String endpoint) {
        return Rke2Paths.REGISTRY_CERTS + "/" + endpoint.replace(':', '_') + "-ca.pem";
    }
}
