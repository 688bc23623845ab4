package io.seedbootstrap.inventory.model;

import io.seedbootstrap.bind.Default;
import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Format;
import io.seedbootstrap.bind.Required;
import io.seedbootstrap.bind.TextFormat;
import java.util.List;

public record Cluster(
        @Doc("Cluster name; also the kubeconfig context name.") @Required @Format(TextFormat.DNS_LABEL) String name,
        @Doc("RKE2 release to install; must equal the bundle's.") @Required @Format(TextFormat.RKE2_VERSION) String rke2Version,
        @Doc("CNI: canal (RKE2 default) or cilium. Cannot be changed once the cluster exists.") @Default("canal") Cni cni,
        @Doc("Cilium options (only with cni: cilium).") Cilium cilium,
        @Doc("Fixed address (VIP, load balancer or DNS name) forwarding 9345 and 6443 to the servers. "
                + "Required with more than one server; always added to tls-san. A single server defaults to its own address.")
        @Format(TextFormat.HOST) String registrationAddress,
        @Doc("Extra subject alternative names for the Kubernetes API certificate.") @Format(TextFormat.HOST) List<String> tlsSan,
        @Doc("Ingress controller: ingress-nginx, traefik or none. Written explicitly since RKE2's default changed in v1.36.")
        @Default("ingress-nginx") IngressController ingressController,
        @Doc("Pod network.") @Default("10.42.0.0/16") @Format(TextFormat.CIDR) String clusterCidr,
        @Doc("Service network.") @Default("10.43.0.0/16") @Format(TextFormat.CIDR) String serviceCidr,
        @Doc("Cluster DNS domain.") @Default("cluster.local") @Format(TextFormat.HOSTNAME) String clusterDomain) {}
