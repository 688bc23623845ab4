package io.seedbootstrap.inventory.model;

import io.seedbootstrap.bind.Default;
import io.seedbootstrap.bind.Doc;

public record Cilium(
        @Doc("Replace kube-proxy with Cilium (sets disable-kube-proxy: true; contract A.7).") @Default("false") boolean kubeProxyReplacement) {}
