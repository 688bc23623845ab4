package io.seedbootstrap.apps;

import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.Json;
import java.util.List;
import java.util.Map;

/**
 * One seed app as the install deploys it, in order: its namespaces (with their labels), its
 * Secrets (kubectl on stdin), its HelmChart file in the bootstrap server's manifests folder
 * (contract D), the wait for the chart's {@code helm-install-<name>} job, then the files that
 * need the chart's CRDs (a ClusterIssuer, MetalLB pools, ApplicationSets).
 */
public record AppStep(String app, List<Namespace> namespaces, List<KubeSecret> secrets, AddOnFile chart, String helmChartName,
        List<AddOnFile> afterChart) {

    public AppStep {
        namespaces = List.copyOf(namespaces);
        secrets = List.copyOf(secrets);
        afterChart = List.copyOf(afterChart);
    }

    /** A namespace and the labels it must carry (MetalLB's privileged PodSecurity labels, H). */
    public record Namespace(String name, Map<String, String> labels) {
        public Namespace {
            labels = Map.copyOf(labels);
        }

        /** The Namespace object as {@code kubectl apply -f -} receives it. */
        public byte[] json() {
            var root = Json.json().createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
            var metadata = root.putObject("metadata").put("name", name);
            if (!labels.isEmpty()) {
                var l = metadata.putObject("labels");
                new java.util.TreeMap<>(labels).forEach(l::put);
            }
            try {
                return Json.json().writeValueAsBytes(root);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot render Namespace " + name, e);
            }
        }
    }

    /**
     * A file for RKE2's auto-deploy folder (D): applied at start and on change, tracked as AddOn
     * {@code kube-system/<basename>}. Names start with {@code seed-}: unique, RFC 1123, never a
     * packaged {@code rke2-*} name. Never holds a secret.
     */
    public record AddOnFile(String fileName, String content) {
        public String path() {
            return Rke2Paths.MANIFESTS + "/" + fileName;
        }

        /** The AddOn name RKE2 records the file as. */
        public String addOnName() {
            return fileName.replaceFirst("\\.(ya?ml|json)$", "");
        }
    }
}
