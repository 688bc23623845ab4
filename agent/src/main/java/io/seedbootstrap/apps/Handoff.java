package io.seedbootstrap.apps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.inventory.model.Apps;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Registries;
import io.seedbootstrap.pki.ca.SiteMaterial;
import io.seedbootstrap.rke2.NodeConfig;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The hand-off to the site's Terraform (issue 18): what a Terraform run needs to know about the
 * seed, as {@code CLUSTER-handoff.json} (0600, beside the kubeconfig; docs/formats.md "Hand-off
 * file"), and a small Terraform root module beside it ({@code CLUSTER-terraform/}) that follows
 * the talk's sequence: the rancher2 provider in bootstrap mode against the seed's Rancher, an
 * example downstream cluster (RKE2, the site registry as its mirror), and its ArgoCD cluster
 * Secret on the seed carrying the catalog's {@code app/<name>} labels. No secret is written unless
 * asked ({@code withSecrets}: the Rancher bootstrap password into {@code secrets.auto.tfvars.json},
 * 0600). Pure data: the caller writes the files (install through its change door).
 */
public final class Handoff {
    public static final String FORMAT = "seed-bootstrap/handoff-v1";
    public static final String SECRETS_FILE = "secrets.auto.tfvars.json";
    /** The values of this seed for the module's variables; rewritten by every hand-off. */
    public static final String VALUES_FILE = "handoff.auto.tfvars.json";

    private Handoff() {}

    /** A file of the hand-off: its path relative to the kubeconfig's folder, its text, whether it is private (0600). */
    public record File(String path, String content, boolean secret) {}

    /**
     * @param kubeconfig        the seed's admin kubeconfig (the Terraform kubernetes provider writes the cluster Secret with it)
     * @param catalog           the bundle's catalog (label and annotation names), {@link CatalogApps.Entries#NONE} without one
     * @param rancherBootstrap  the Rancher bootstrap password, or null; written only with {@code withSecrets}
     */
    public record Input(Inventory inventory, SiteMaterial site, Path kubeconfig, CatalogApps.Entries catalog, Secret rancherBootstrap,
            boolean withSecrets) {}

    public static String jsonName(Inventory inventory) {
        return inventory.cluster().name() + "-handoff.json";
    }

    public static String moduleDirectory(Inventory inventory) {
        return inventory.cluster().name() + "-terraform";
    }

    /** Every file of the hand-off, the JSON first. */
    public static List<File> files(Input input) {
        Inventory inventory = input.inventory();
        ObjectNode json = json(input);
        List<File> files = new ArrayList<>();
        files.add(new File(jsonName(inventory), write(json), true));
        String dir = moduleDirectory(inventory) + "/";
        files.add(new File(dir + "versions.tf", TerraformModule.VERSIONS, false));
        files.add(new File(dir + "variables.tf", TerraformModule.variables(inventory, catalogNames(inventory)), false));
        files.add(new File(dir + "main.tf", TerraformModule.MAIN, false));
        files.add(new File(dir + "outputs.tf", TerraformModule.OUTPUTS, false));
        files.add(new File(dir + VALUES_FILE, write(TerraformModule.values(json)), false));
        if (input.withSecrets() && input.rancherBootstrap() != null) {
            ObjectNode secrets = Json.json().createObjectNode();
            secrets.put("rancher_bootstrap_password", input.rancherBootstrap().reveal());
            files.add(new File(dir + SECRETS_FILE, write(secrets), true));
        }
        return files;
    }

    static List<String> catalogNames(Inventory inventory) {
        return CatalogApps.enabled(inventory).stream().map(Apps.CatalogEntry::name).toList();
    }

    /** docs/formats.md "Hand-off file". Public certificates and addresses only. */
    static ObjectNode json(Input input) {
        Inventory inventory = input.inventory();
        Apps apps = inventory.apps();
        ObjectNode root = Json.json().createObjectNode();
        root.put("format", FORMAT);
        root.put("cluster", inventory.cluster().name());
        root.put("rke2Version", inventory.cluster().rke2Version());
        ObjectNode seed = root.putObject("seed");
        seed.put("apiUrl", "https://" + bracketed(NodeConfig.registrationAddress(inventory)) + ":" + NodeConfig.API_PORT);
        seed.put("kubeconfig", input.kubeconfig().toAbsolutePath().toString());
        String siteCa = new String(input.site().cacerts(), StandardCharsets.UTF_8);
        if (apps.rancher().enabled()) {
            ObjectNode rancher = root.putObject("rancher");
            rancher.put("url", "https://" + apps.rancher().hostname());
            // E.2: Rancher's tls-ca: the site root, or the Vault PKI's CA when cert-manager issues from Vault
            Apps.Vault vault = CertManagerApp.vaultIssuer(inventory);
            rancher.put("caPem", vault != null && vault.pkiCaFile() != null ? read(vault.pkiCaFile()) : siteCa);
        }
        if (apps.argocd().enabled()) {
            ObjectNode argocd = root.putObject("argocd");
            if (apps.argocd().hostname() != null) {
                argocd.put("url", "https://" + apps.argocd().hostname());
            }
            argocd.put("caPem", siteCa); // F.1: argocd-server-tls is a leaf of the site hierarchy
            argocd.put("namespace", ArgoCdApp.NAMESPACE);
            argocd.put("clusterSecretLabel", "argocd.argoproj.io/secret-type=cluster");
        }
        Registries registries = inventory.registries();
        String registry = registries.systemDefaultRegistry() != null ? registries.systemDefaultRegistry()
                : !CatalogApps.enabled(inventory).isEmpty() ? CatalogApps.registry(inventory) : null;
        if (registry != null) {
            ObjectNode node = root.putObject("registry");
            node.put("host", registry);
            Registries.RegistryConfig config = registries.configs().get(registry);
            if (config != null && config.caFile() != null) {
                node.put("caPem", read(config.caFile()));
            }
            ObjectNode mirrors = node.putObject("mirrors");
            registries.mirrors().forEach((name, mirror) -> {
                ArrayNode endpoints = mirrors.putArray(name);
                mirror.endpoints().forEach(endpoints::add);
            });
        }
        if (!CatalogApps.enabled(inventory).isEmpty()) {
            ObjectNode charts = root.putObject("chartRepository");
            charts.put("oci", "oci://" + CatalogApps.chartRepository(inventory));
            charts.put("argocdRepoURL", CatalogApps.chartRepository(inventory)); // F.5: Helm over OCI, no scheme
        }
        ObjectNode catalog = root.putObject("catalog");
        catalog.put("installLabel", "app/<name>=install");
        ArrayNode entries = catalog.putArray("entries");
        for (Apps.CatalogEntry wanted : CatalogApps.enabled(inventory)) {
            ObjectNode entry = entries.addObject();
            entry.put("name", wanted.name());
            entry.put("label", CatalogApps.installLabel(wanted.name()));
            entry.put("value", "install");
            ArrayNode values = entry.putArray("clusterValues");
            Optional<CatalogApps.Entry> known = input.catalog().find(wanted.name());
            known.ifPresent(e -> {
                entry.put("namespace", CatalogApps.namespace(wanted, e));
                for (CatalogApps.ClusterValue value : e.clusterValues()) {
                    ObjectNode v = values.addObject();
                    v.put("from", value.source() == CatalogApps.Source.LABEL ? "label" : "annotation");
                    v.put("key", value.key());
                    v.put("required", value.required());
                    if (value.description() != null) {
                        v.put("description", value.description());
                    }
                }
            });
        }
        ArrayNode components = catalog.putArray("components");
        apps.components().forEach(c -> components.add(CatalogApps.installLabel(c.name())));
        root.put("terraformModule", moduleDirectory(inventory));
        return root;
    }

    private static String bracketed(String address) {
        return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
    }

    static String write(ObjectNode node) {
        try {
            return Json.json().writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the hand-off", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
