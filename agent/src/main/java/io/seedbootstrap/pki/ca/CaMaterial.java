package io.seedbootstrap.pki.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A CA able to sign: its chain (the CA first, then each issuer up to the root) and its key.
 * The key is only held while signing; records print no key material.
 */
record CaMaterial(List<X509Certificate> chain, PrivateKey key) {
    CaMaterial {
        chain = List.copyOf(chain);
    }

    X509Certificate certificate() {
        return chain.get(0);
    }

    X509Certificate root() {
        return chain.get(chain.size() - 1);
    }

    @Override
    public String toString() {
        return "CaMaterial[" + certificate().getSubjectX500Principal().getName() + "]";
    }
}
