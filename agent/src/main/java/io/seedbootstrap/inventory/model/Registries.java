package io.seedbootstrap.inventory.model;

import io.seedbootstrap.bind.Default;
import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Format;
import io.seedbootstrap.bind.Required;
import io.seedbootstrap.bind.TextFormat;
import io.seedbootstrap.support.Secret;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Private registry settings, rendered to registries.yaml (contract A.6). */
public record Registries(
        @Doc("RKE2 system-default-registry (host[:port]); only together with a mirror (contract A.3).")
        @Format(TextFormat.HOST_PORT) String systemDefaultRegistry,
        @Doc("Never fall back to upstream registries for mirrored names (disable-default-registry-endpoint).")
        @Default("false") boolean disableDefaultEndpoint,
        @Doc("Mirrors keyed by the registry they stand in for (docker.io, quay.io, \"*\").") Map<String, Mirror> mirrors,
        @Doc("Credentials and TLS per registry endpoint host[:port].") Map<String, RegistryConfig> configs) {

    public record Mirror(
            @Doc("Endpoint URLs, tried in order.") @Required @Format(TextFormat.URL) List<String> endpoints,
            @Doc("Regex rewrites of image names (not tags).") Map<String, String> rewrite) {}

    public record RegistryConfig(
            @Doc("Registry user; use ${ENV_VAR} if sensitive.") String username,
            @Doc("Registry password; use ${ENV_VAR}.") Secret password,
            @Doc("CA certificate (PEM) that signs the registry's certificate.") Path caFile,
            @Doc("Skip TLS verification (not recommended).") @Default("false") boolean insecureSkipVerify) {}
}
