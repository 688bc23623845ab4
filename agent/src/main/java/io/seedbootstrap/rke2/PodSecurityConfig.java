package io.seedbootstrap.rke2;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The PodSecurity admission config given to RKE2 with {@code profile: cis} (contract A.9): the
 * profile enforces {@code restricted} cluster-wide, which would stop Rancher, cert-manager,
 * ArgoCD and MetalLB, so their namespaces are exempt from the first start (Rancher's documented
 * exemption list plus argocd and metallb-system), with the inventory's additions.
 */
public final class PodSecurityConfig {
    private PodSecurityConfig() {}

    /**
     * A.9: RKE2's own exemptions, Rancher's documented list (psa-restricted-exemptions) and
     * the seed apps of this tool. Apps issue 10 checks its namespaces against this list.
     */
    public static final List<String> SEED_EXEMPTIONS = List.of(
            "kube-system", "compliance-operator-system", "tigera-operator",
            "cattle-system", "cattle-fleet-system", "cattle-fleet-local-system", "cattle-impersonation-system",
            "cattle-provisioning-capi-system", "cattle-csp-adapter-system", "cattle-epinio-system", "cattle-externalip-system",
            "cattle-gatekeeper-system", "cattle-global-data", "cattle-monitoring-system", "cattle-neuvector-system",
            "cattle-prometheus", "cattle-ui-plugin-system", "cattle-resources-system", "cattle-logging-system",
            "cis-operator-system", "fleet-default", "fleet-local", "local",
            "cert-manager", "argocd", "metallb-system");

    public static List<String> exemptions(List<String> extra) {
        Set<String> all = new LinkedHashSet<>(SEED_EXEMPTIONS);
        all.addAll(extra);
        return new ArrayList<>(all);
    }

    public static String yaml(List<String> extra) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        for (String mode : List.of("enforce", "audit", "warn")) {
            defaults.put(mode, "restricted");
            defaults.put(mode + "-version", "latest");
        }
        Map<String, Object> exemptions = new LinkedHashMap<>();
        exemptions.put("usernames", List.of());
        exemptions.put("runtimeClasses", List.of());
        exemptions.put("namespaces", exemptions(extra));
        Map<String, Object> configuration = new LinkedHashMap<>();
        configuration.put("apiVersion", "pod-security.admission.config.k8s.io/v1");
        configuration.put("kind", "PodSecurityConfiguration");
        configuration.put("defaults", defaults);
        configuration.put("exemptions", exemptions);
        Map<String, Object> plugin = new LinkedHashMap<>();
        plugin.put("name", "PodSecurity");
        plugin.put("configuration", configuration);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("apiVersion", "apiserver.config.k8s.io/v1");
        document.put("kind", "AdmissionConfiguration");
        document.put("plugins", List.of(plugin));
        return "# Written by seed-bootstrap (contract A.9): restricted, with the seed apps' namespaces exempt.\n"
                + ConfigYaml.write(document);
    }
}
