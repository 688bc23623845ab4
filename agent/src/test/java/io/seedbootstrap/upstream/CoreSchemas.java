package io.seedbootstrap.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Set;
import java.util.TreeSet;

/**
 * The core objects install creates with kubectl (Secrets, Namespaces) have no CRD: their shape
 * is checked against JSON Schemas written here from the Kubernetes API (core/v1 Secret and
 * Namespace: only the fields that exist, unknown ones rejected) and from the API server's own
 * checks (pkg/apis/core/validation ValidateSecret: data keys match [-._a-zA-Z0-9]+, values are
 * base64; a kubernetes.io/tls Secret has tls.crt and tls.key), plus, for the Secrets Argo CD reads,
 * the keys Argo CD documents (docs/operator-manual/declarative-setup.md "Clusters" and
 * "Repositories", contract F.2/F.4; cluster {@code config} fields: types.go ClusterConfig).
 */
final class CoreSchemas {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    static final String BASE64 = "^[A-Za-z0-9+/]*={0,2}$";

    static final JsonSchema SECRET = FACTORY.getSchema(secret());
    static final JsonSchema NAMESPACE = FACTORY.getSchema(namespace());
    /** The decoded data of a Secret labelled argocd.argoproj.io/secret-type: cluster. */
    static final JsonSchema ARGOCD_CLUSTER = FACTORY.getSchema(argoCdCluster());
    /** Its {@code config} key, JSON. */
    static final JsonSchema ARGOCD_CLUSTER_CONFIG = FACTORY.getSchema(argoCdClusterConfig());
    /** The decoded data of a Secret labelled argocd.argoproj.io/secret-type: repository. */
    static final JsonSchema ARGOCD_REPOSITORY = FACTORY.getSchema(argoCdRepository());

    private CoreSchemas() {}

    static Set<String> problems(JsonSchema schema, JsonNode object) {
        Set<String> problems = new TreeSet<>();
        for (ValidationMessage message : schema.validate(object)) {
            problems.add(message.getMessage());
        }
        return problems;
    }

    private static ObjectNode secret() {
        ObjectNode schema = object("v1", "Secret", true);
        ObjectNode properties = (ObjectNode) schema.path("properties");
        properties.putObject("type").put("type", "string");
        properties.putObject("immutable").put("type", "boolean");
        for (String field : new String[] {"data", "stringData"}) {
            ObjectNode map = properties.putObject(field).put("type", "object");
            map.putObject("propertyNames").put("pattern", "^[-._a-zA-Z0-9]+$").put("maxLength", 253);
            ObjectNode value = map.putObject("additionalProperties").put("type", "string");
            if (field.equals("data")) {
                value.put("pattern", BASE64);
            }
        }
        // ValidateSecret: SecretTypeTLS needs both keys
        ObjectNode tls = schema.putObject("if");
        tls.putObject("properties").putObject("type").put("const", "kubernetes.io/tls");
        tls.putArray("required").add("type");
        ObjectNode then = schema.putObject("then");
        then.putArray("required").add("data");
        then.putObject("properties").putObject("data").putArray("required").add("tls.crt").add("tls.key");
        return schema;
    }

    private static ObjectNode namespace() {
        return object("v1", "Namespace", false);
    }

    private static ObjectNode object(String apiVersion, String kind, boolean namespaced) {
        ObjectNode schema = NODES.objectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("apiVersion").put("const", apiVersion);
        properties.putObject("kind").put("const", kind);
        properties.set("metadata", CrdSchemas.objectMeta(namespaced));
        schema.putArray("required").add("apiVersion").add("kind").add("metadata");
        return schema;
    }

    private static ObjectNode strings(String... names) {
        ObjectNode properties = NODES.objectNode();
        for (String name : names) {
            properties.putObject(name).put("type", "string");
        }
        return properties;
    }

    private static ObjectNode argoCdCluster() {
        ObjectNode schema = NODES.objectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode properties = strings("name", "namespaces", "clusterResources", "project", "shard", "config");
        properties.putObject("server").put("type", "string").put("pattern", "^https?://");
        schema.set("properties", properties);
        schema.putArray("required").add("name").add("server").add("config");
        return schema;
    }

    private static ObjectNode argoCdClusterConfig() {
        ObjectNode schema = NODES.objectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode properties = strings("username", "password", "bearerToken", "proxyUrl");
        properties.putObject("disableCompression").put("type", "boolean");
        properties.putObject("awsAuthConfig").put("type", "object");
        properties.putObject("execProviderConfig").put("type", "object");
        ObjectNode tls = properties.putObject("tlsClientConfig").put("type", "object").put("additionalProperties", false);
        ObjectNode tlsProperties = strings("serverName", "caData", "certData", "keyData");
        tlsProperties.putObject("insecure").put("type", "boolean");
        tls.set("properties", tlsProperties);
        schema.set("properties", properties);
        return schema;
    }

    private static ObjectNode argoCdRepository() {
        ObjectNode schema = NODES.objectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode properties = strings("url", "name", "project", "username", "password", "bearerToken", "sshPrivateKey",
                "tlsClientCertData", "tlsClientCertKey", "enableOCI", "insecure", "enableLfs", "proxy", "noProxy", "forceHttpBasicAuth",
                "githubAppID", "githubAppInstallationID", "githubAppEnterpriseBaseUrl", "githubAppPrivateKey", "gcpServiceAccountKey",
                "useAzureWorkloadIdentity");
        properties.putObject("type").putArray("enum").add("git").add("helm");
        schema.set("properties", properties);
        schema.putArray("required").add("url");
        return schema;
    }
}
