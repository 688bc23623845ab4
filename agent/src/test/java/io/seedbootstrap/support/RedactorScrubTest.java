package io.seedbootstrap.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Redactor#scrub}: the rules a support bundle's text passes, and what they say they removed. */
class RedactorScrubTest {
    private static final String KEY_BODY = "MHcCAQEEIBx0aW55IGZha2Uga2V5IGJvZHkgZm9yIHRoZSB0ZXN0IG9ubHkgISGgCgYIKoZIzj0DAQehRANCAAQ";
    private static final String PEM = "-----BEGIN EC PRIVATE KEY-----\n" + KEY_BODY + "\nAbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/==\n"
            + "-----END EC PRIVATE KEY-----\n";

    @Test
    void knownSecretsGoFirstAndAreCountedNeverQuoted() {
        Redactor.Scrubbed s = Redactor.of(Secret.fromEnv("hunter22-pw", "SUDO_PW")).scrub("a hunter22-pw b hunter22-pw\nnote: x hunter22-pw\n");
        assertEquals("a <redacted> b <redacted>\nnote: x <redacted>\n", s.text());
        // named by the field before it on its line, and the line
        assertEquals(List.of("value (line 1): known secret of the inventory or PKI", "value (line 1): known secret of the inventory or PKI",
                "note (line 2): known secret of the inventory or PKI"), s.redactions());
    }

    @Test
    void privateKeysInPemAndAsBase64PemAreRemoved() {
        String kubeconfig = "users:\n- name: admin\n  user:\n    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n"
                + "    client-key-data: " + Base64.getEncoder().encodeToString(PEM.getBytes()) + "\n";
        Redactor.Scrubbed s = Redactor.none().scrub("before\n" + PEM + "after\n" + kubeconfig);
        assertFalse(s.text().contains(KEY_BODY), s.text());
        assertFalse(s.text().contains("AbCdEfGhIjKlMnOp"), s.text());
        assertFalse(s.text().contains(Base64.getEncoder().encodeToString(PEM.getBytes()).substring(20, 60)), s.text());
        assertTrue(s.text().contains("-----BEGIN EC PRIVATE KEY-----\n<redacted>\n-----END EC PRIVATE KEY-----\nafter"), s.text());
        assertTrue(s.redactions().contains("private key (PEM) (line 2)"), s.redactions().toString());
        assertTrue(s.redactions().stream().anyMatch(r -> r.startsWith("private key (base64 PEM)")), s.redactions().toString());
        // a certificate is public and helps troubleshooting: it stays
        assertTrue(s.text().contains("client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"), s.text());
    }

    @Test
    void aPemKeyCutOffByATailIsRemovedToTheEnd() {
        Redactor.Scrubbed s = Redactor.none().scrub("journal tail\n-----BEGIN RSA PRIVATE KEY-----\n" + KEY_BODY + "\n");
        assertFalse(s.text().contains(KEY_BODY), s.text());
    }

    @Test
    void joinTokensNamedSecretsUrlPasswordsAndFlagsAreRemovedByShapeOrName() {
        String token = "K10" + "ab12".repeat(16) + "::server:0f3c9a7be51d";
        String text = String.join("\n",
                "level=info msg=\"joining with " + token + "\"",
                "etcd-s3-secret-key: s3-Very-Secret",
                "etcd-s3-access-key=AKIAEXAMPLE",
                "{\"bootstrapPassword\": \"rancher-pw-1\", \"name\": \"x\"}",
                "ExecStart=/usr/local/bin/rke2 server --token tok-from-argv",
                "registry https://pull:registry-pw@registry.example.internal:5000/v2/",
                "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc",
                "auth: {username: pull, password: flow-pw}",
                "token-file: /etc/rancher/rke2/seed-bootstrap-token",
                "secretName: argocd-values",
                "");
        Redactor.Scrubbed s = Redactor.none().scrub(text);
        for (String secret : List.of(token, "0f3c9a7be51d", "s3-Very-Secret", "AKIAEXAMPLE", "rancher-pw-1", "tok-from-argv", "registry-pw",
                "eyJhbGciOiJIUzI1NiJ9", "flow-pw")) {
            assertFalse(s.text().contains(secret), secret + " left in\n" + s.text());
            assertFalse(s.redactions().toString().contains(secret), "the redaction list names fields, not values");
        }
        // where a secret is, or which one, is not a secret: kept, as is the structure around values
        assertTrue(s.text().contains("token-file: /etc/rancher/rke2/seed-bootstrap-token"), s.text());
        assertTrue(s.text().contains("secretName: argocd-values"), s.text());
        assertTrue(s.text().contains("auth: {username: pull, password: <redacted>}"), s.text());
        assertTrue(s.text().contains("\"name\": \"x\""), s.text());
        assertTrue(s.redactions().contains("etcd-s3-secret-key (line 2)"), s.redactions().toString());
        assertTrue(s.redactions().contains("join token (line 1)"), s.redactions().toString());
        assertTrue(s.redactions().contains("--token (line 5)"), s.redactions().toString());
        // ordinary text is left alone
        assertEquals("Started rke2-server.service - Rancher Kubernetes Engine v2 (server).\n",
                Redactor.none().scrub("Started rke2-server.service - Rancher Kubernetes Engine v2 (server).\n").text());
    }

    @Test
    void aKubernetesSecretsDataAndSecretNamedFieldsAreRemovedByStructure() throws Exception {
        JsonNode tree = Json.json().readTree("{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"argocd-values\"},"
                + " \"data\": {\"values.yaml\": \"Y29uZmlnczogLi4u\"}, \"stringData\": {\"x\": \"plain-value\"},"
                + " \"spec\": {\"repo\": {\"url\": \"https://git\", \"credentials\": {\"user\": \"u\", \"pass\": \"nested-pw\"}}}}");
        Redactor.Scrubbed s = Redactor.none().scrub(tree);
        assertFalse(s.text().contains("Y29uZmlnczogLi4u") || s.text().contains("plain-value") || s.text().contains("nested-pw"), s.text());
        assertTrue(s.text().contains("argocd-values") && s.text().contains("https://git"), s.text());
        assertEquals(List.of("data.values.yaml", "stringData.x", "spec.repo.credentials.user", "spec.repo.credentials.pass"), s.redactions());
        // the same object that is not a Secret keeps its data
        JsonNode configMap = Json.json().readTree("{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"data\": {\"a\": \"b-value\"}}");
        assertTrue(Redactor.none().scrub(configMap).text().contains("b-value"));
    }
}
