package io.seedbootstrap.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.support.Json;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Terraform root module of the hand-off ({@link Handoff}): fixed HCL plus the variables'
 * defaults from the inventory and their values from the hand-off JSON. It follows the talk's
 * sequence: rancher2 in bootstrap mode (rancher2 provider docs, "bootstrap" and
 * {@code rancher2_bootstrap}), then as admin an RKE2 cluster ({@code rancher2_cluster_v2}, the site
 * registry as mirror and system-default-registry), then its ArgoCD cluster Secret on the seed
 * (contract F.2: {@code server} through Rancher's cluster proxy, a cluster-scoped Rancher token
 * as bearer token) with the {@code app/<name>: install} labels of the catalog (F.3). Checked for
 * syntax only (HandoffTest parses it with hcl4j); never applied by this project's tests.
 */
final class TerraformModule {
    private TerraformModule() {}

    static final String HEADER = "# Written by seed-bootstrap (issue 18, the hand-off to Terraform); `seed-bootstrap handoff INVENTORY` writes it again.\n"
            + "# Checked for syntax only: it has not been applied by seed-bootstrap's tests (README \"Hand-off to Terraform\").\n";

    static final String VERSIONS = HEADER + """
            terraform {
              required_version = ">= 1.5.0"
              required_providers {
                rancher2 = {
                  source  = "rancher/rancher2"
                  version = ">= 6.0.0"
                }
                kubernetes = {
                  source  = "hashicorp/kubernetes"
                  version = ">= 2.23.0"
                }
              }
            }
            """;

    static final String MAIN = HEADER + """

            # 1. Rancher on the seed in bootstrap mode: sets the admin password, gives an admin token.
            provider "rancher2" {
              alias     = "bootstrap"
              api_url   = var.rancher_url
              ca_certs  = var.rancher_ca_pem
              bootstrap = true
            }

            resource "rancher2_bootstrap" "admin" {
              provider         = rancher2.bootstrap
              initial_password = var.rancher_bootstrap_password
              password         = var.rancher_admin_password
              telemetry        = false
            }

            provider "rancher2" {
              api_url   = var.rancher_url
              ca_certs  = var.rancher_ca_pem
              token_key = rancher2_bootstrap.admin.token
            }

            # 2. An example downstream cluster: RKE2, its images from the site registry (as the seed's).
            resource "rancher2_cluster_v2" "downstream" {
              name               = var.cluster_name
              kubernetes_version = var.kubernetes_version
              rke_config {
                machine_global_config = var.registry_host == "" ? "" : yamlencode({ "system-default-registry" = var.registry_host })
                registries {
                  dynamic "mirrors" {
                    for_each = var.registry_mirrors
                    content {
                      hostname  = mirrors.key
                      endpoints = mirrors.value
                    }
                  }
                  dynamic "configs" {
                    for_each = var.registry_ca_pem == "" ? [] : [var.registry_host]
                    content {
                      hostname  = configs.value
                      ca_bundle = var.registry_ca_pem
                    }
                  }
                }
              }
            }

            # (format() rather than "app/${name}" as a for-expression key: the same HCL, which hcl4j, our syntax check, also lexes)
            # 3. Its registration in ArgoCD on the seed: a cluster Secret (through Rancher's cluster proxy, a
            #    cluster-scoped token) whose app/<name>: install labels pick the platform catalog's entries.
            resource "rancher2_token" "argocd" {
              description = "ArgoCD on the seed installs the platform catalog on ${var.cluster_name}"
              cluster_id  = rancher2_cluster_v2.downstream.cluster_v1_id
              ttl         = 0
            }

            provider "kubernetes" {
              config_path = var.seed_kubeconfig
            }

            locals {
              missing_annotations = [
                for key in flatten([for name in var.catalog_apps : lookup(var.catalog_required_annotations, name, [])]) :
                key if !contains(keys(var.cluster_annotations), key)
              ]
              missing_list = join(", ", local.missing_annotations)
            }

            resource "kubernetes_secret_v1" "argocd_cluster" {
              metadata {
                name      = "cluster-${var.cluster_name}"
                namespace = var.argocd_namespace
                labels = merge(
                  { "argocd.argoproj.io/secret-type" = "cluster" },
                  { for name in var.catalog_apps : format("app/%s", name) => "install" },
                )
                annotations = var.cluster_annotations
              }
              data = {
                name   = var.cluster_name
                server = "${var.rancher_url}/k8s/clusters/${rancher2_cluster_v2.downstream.cluster_v1_id}"
                config = jsonencode({
                  bearerToken = rancher2_token.argocd.token
                  tlsClientConfig = {
                    insecure = false
                    caData   = base64encode(var.rancher_ca_pem)
                  }
                })
              }
              lifecycle {
                precondition {
                  condition     = length(local.missing_annotations) == 0
                  error_message = "The catalog entries in catalog_apps need these cluster_annotations: ${local.missing_list}."
                }
              }
            }
            """;

    static final String OUTPUTS = HEADER + """
            output "cluster_id" {
              value = rancher2_cluster_v2.downstream.cluster_v1_id
            }

            output "node_command" {
              description = "Run on each machine of the downstream cluster to join it (add --etcd --controlplane --worker as needed)."
              value       = rancher2_cluster_v2.downstream.cluster_registration_token[0].node_command
              sensitive   = true
            }

            output "argocd_cluster_secret" {
              value = "${var.argocd_namespace}/${kubernetes_secret_v1.argocd_cluster.metadata[0].name}"
            }
            """;

    /** The variables, with the defaults this inventory gives. */
    static String variables(Inventory inventory, List<String> catalog) {
        return HEADER + String.join("\n",
                variable("rancher_url", "string", "Rancher on the seed (handoff.auto.tfvars.json).", null, false),
                variable("rancher_ca_pem", "string", "CA certificate (PEM) of Rancher's ingress certificate.", null, false),
                variable("rancher_bootstrap_password", "string", "Rancher's bootstrap password (apps.rancher.bootstrapPassword, or the "
                        + inventory.cluster().name() + "-rancher-bootstrap-password file install saved); give it as TF_VAR_rancher_bootstrap_password.",
                        null, true),
                variable("rancher_admin_password", "string", "The admin password rancher2_bootstrap sets (at least 12 characters).", null, true),
                variable("seed_kubeconfig", "string", "The seed's admin kubeconfig (writes the ArgoCD cluster Secret).", null, false),
                variable("argocd_namespace", "string", "ArgoCD's namespace on the seed.", quote(ArgoCdApp.NAMESPACE), false),
                variable("registry_host", "string", "The site registry (host[:port]); \"\" for none.", quote(""), false),
                variable("registry_ca_pem", "string", "CA certificate (PEM) of the site registry; \"\" for none.", quote(""), false),
                variable("registry_mirrors", "map(list(string))", "Registry mirrors of the downstream cluster (registries.yaml).", "{}", false),
                variable("cluster_name", "string", "The example downstream cluster's name.", quote("downstream-1"), false),
                variable("kubernetes_version", "string", "Its RKE2 version.", quote(inventory.cluster().rke2Version()), false),
                variable("catalog_apps", "list(string)", "Platform catalog entries it gets (label app/<name>: install).",
                        "[" + catalog.stream().map(TerraformModule::quote).collect(Collectors.joining(", ")) + "]", false),
                variable("cluster_annotations", "map(string)", "Per-cluster values of the catalog (the hand-off JSON's "
                        + "catalog.entries[].clusterValues), e.g. a Traefik load-balancer IP.", "{}", false),
                variable("catalog_required_annotations", "map(list(string))", "The annotations each catalog entry requires.", "{}", false));
    }

    private static String variable(String name, String type, String description, String defaultValue, boolean sensitive) {
        StringBuilder text = new StringBuilder("variable \"" + name + "\" {\n");
        text.append("  type        = ").append(type).append('\n');
        text.append("  description = ").append(quote(description)).append('\n');
        if (defaultValue != null) {
            text.append("  default     = ").append(defaultValue).append('\n');
        }
        if (sensitive) {
            text.append("  sensitive   = true\n");
        }
        return text.append("}\n").toString();
    }

    /** An HCL string literal: JSON's escapes, and template sequences escaped ($${, %%{). */
    static String quote(String text) {
        try {
            return Json.json().writeValueAsString(text).replace("${", "$${").replace("%{", "%%{");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** handoff.auto.tfvars.json: the public values of this seed for the variables. */
    static ObjectNode values(ObjectNode handoff) {
        ObjectNode values = Json.json().createObjectNode();
        JsonNode rancher = handoff.path("rancher");
        if (!rancher.isMissingNode()) {
            values.put("rancher_url", rancher.path("url").asText());
            values.put("rancher_ca_pem", rancher.path("caPem").asText());
        }
        values.put("seed_kubeconfig", handoff.path("seed").path("kubeconfig").asText());
        JsonNode registry = handoff.path("registry");
        if (!registry.isMissingNode()) {
            values.put("registry_host", registry.path("host").asText());
            values.put("registry_ca_pem", registry.path("caPem").asText(""));
            values.set("registry_mirrors", registry.path("mirrors").deepCopy());
        }
        ObjectNode required = values.putObject("catalog_required_annotations");
        for (JsonNode entry : handoff.path("catalog").path("entries")) {
            var keys = required.putArray(entry.path("name").asText());
            for (JsonNode value : entry.path("clusterValues")) {
                if (value.path("required").asBoolean() && value.path("from").asText().equals("annotation")) {
                    keys.add(value.path("key").asText());
                }
            }
        }
        return values;
    }
}
