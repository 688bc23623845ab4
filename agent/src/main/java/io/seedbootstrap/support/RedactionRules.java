package io.seedbootstrap.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The redaction rules for text that leaves the site (support bundles): secrets nobody told us
 * about, recognised by their shape or by the name they are given. {@link Redactor#scrub} applies
 * them after the known values. Each rule says what it removed by a name (the field, or the kind
 * of secret), never by the value.
 */
final class RedactionRules {
    /** Words in a field name that make its value a secret (token, agent-token, bootstrapPassword, etcd-s3-secret-key...). */
    private static final String SECRET_WORD = "token|passw(?:or)?d|passphrase|secret|credential|private[-_]?key|api[-_]?key"
            + "|access[-_]?key|key[-_]?data|client[-_]?key|auth";
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(?:" + SECRET_WORD + ").*");
    /** Names that hold where a secret is, or which one, not the secret (token-file, secretName, passwordRef). */
    private static final Pattern REFERENCE_NAME = Pattern.compile("(?i).*(?:file|path|dir|name|names|ref|mode|kind|type)$");

    /** A PEM private key block (RSA, EC, PKCS#8, OpenSSH, encrypted), to its END line or the end of the text. */
    private static final Pattern PEM_PRIVATE_KEY = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----.*?(?:-----END \\1PRIVATE KEY-----|\\z)", Pattern.DOTALL);
    /** The base64 of a PEM block (a kubeconfig's client-key-data, a Secret's data): "-----BEGIN" encoded; only private keys go. */
    private static final Pattern BASE64_PEM = Pattern.compile("LS0tLS1CRUdJTi[A-Za-z0-9+/=]*");
    /** An RKE2/K3s secure join token (contract B.3): K10 + CA hash :: user : password. */
    private static final Pattern JOIN_TOKEN = Pattern.compile("K10[0-9a-fA-F]{6,}::[A-Za-z0-9_.-]+:[^\\s\"',;}]+");
    /** {@code name: value}, {@code name=value}, {@code "name": "value"} where the name says secret. */
    private static final Pattern NAMED_VALUE = Pattern.compile(
            "(?i)([A-Za-z0-9_.-]*(?:" + SECRET_WORD + ")[A-Za-z0-9_.-]*)(\"?[ \\t]*[:=][ \\t]*\"?)([^\\s\"',;}\\]{\\[][^\\s\"',;}\\]]*)");
    /** A command-line flag that says secret, with its value after a space ({@code --token abc}). */
    private static final Pattern SECRET_FLAG = Pattern.compile("(?i)(--[A-Za-z0-9-]*(?:token|password|secret)[A-Za-z0-9-]*)( +)([^\\s-][^\\s]*)");
    /** Credentials inside a URL ({@code https://user:password@host}). */
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/\\s:@]+:)([^/\\s@]+)(@)");
    /** An HTTP Authorization header's credentials. */
    private static final Pattern AUTHORIZATION = Pattern.compile("(?i)((?:Bearer|Basic) )([A-Za-z0-9._~+/=-]{8,})");

    /** The last {@code name:} or {@code name=} before a value on its line. */
    private static final Pattern FIELD_BEFORE = Pattern.compile("([A-Za-z0-9_.-]+)\"?[ \\t]*[:=][^:=]*$");

    private RedactionRules() {}

    /** Whether a field of this name holds a secret (and not where one is). */
    static boolean secretName(String name) {
        return SECRET_NAME.matcher(name).matches() && !REFERENCE_NAME.matcher(name).matches();
    }

    /** The text with every rule applied; what was removed is added to {@code fields} (by rule or field, with its line). */
    static String apply(String text, List<String> fields) {
        String out = replace(PEM_PRIVATE_KEY, text, fields, m -> "private key (PEM)",
                m -> "-----BEGIN " + m.group(1) + "PRIVATE KEY-----\n" + Secret.REDACTED + "\n-----END " + m.group(1) + "PRIVATE KEY-----");
        out = replace(BASE64_PEM, out, fields, m -> base64PrivateKey(m.group()) ? "private key (base64 PEM)" : null,
                m -> base64PrivateKey(m.group()) ? Secret.REDACTED : m.group());
        out = replace(JOIN_TOKEN, out, fields, m -> "join token", m -> Secret.REDACTED);
        out = replace(URL_PASSWORD, out, fields, m -> "password in a URL", m -> m.group(1) + Secret.REDACTED + m.group(3));
        out = replace(AUTHORIZATION, out, fields, m -> "Authorization header", m -> m.group(1) + Secret.REDACTED);
        out = replace(SECRET_FLAG, out, fields, m -> m.group(1), m -> m.group(1) + m.group(2) + Secret.REDACTED);
        out = replaceNamed(out, fields);
        return out;
    }

    private static String replaceNamed(String text, List<String> fields) {
        Matcher m = NAMED_VALUE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = m.group(3);
            if (!secretName(name) || value.equals(Secret.REDACTED) || value.startsWith("<redacted") || value.isEmpty()
                    || value.equals("|") || value.equals(">") || value.equals("|-") || value.equals(">-")) {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
                continue;
            }
            fields.add(name + " (line " + line(text, m.start()) + ")");
            m.appendReplacement(out, Matcher.quoteReplacement(name + m.group(2) + Secret.REDACTED));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String replace(Pattern pattern, String text, List<String> fields, java.util.function.Function<Matcher, String> what,
            java.util.function.Function<Matcher, String> with) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        boolean found = false;
        while (m.find()) {
            found = true;
            String name = what.apply(m);
            if (name != null) {
                fields.add(name + " (line " + line(text, m.start()) + ")");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(with.apply(m)));
        }
        if (!found) {
            return text;
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Where {@code offset} is, as a redaction names it: the field named before it on its line and the line ("token (line 3)"). */
    static String where(String text, int offset) {
        int start = text.lastIndexOf('\n', offset - 1) + 1;
        Matcher field = FIELD_BEFORE.matcher(text.substring(start, offset));
        String name = field.find() ? field.group(1) : "value";
        return name + " (line " + line(text, offset) + ")";
    }

    /** Whether a base64 PEM blob is a private key (a certificate is public and helps troubleshooting). */
    private static boolean base64PrivateKey(String blob) {
        String head = blob.substring(0, Math.min(blob.length(), 64) / 4 * 4);
        try {
            return new String(java.util.Base64.getDecoder().decode(head), java.nio.charset.StandardCharsets.US_ASCII).contains("PRIVATE KEY");
        } catch (IllegalArgumentException e) {
            return true; // not decodable: keep nothing that might be one
        }
    }

    private static int line(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /**
     * A JSON tree with every value under a secret field name, and a Kubernetes Secret's
     * {@code data} and {@code stringData}, replaced; in place. Fields are named by their path.
     */
    static void apply(JsonNode node, String path, List<String> fields) {
        if (node instanceof ObjectNode object) {
            boolean kubeSecret = "Secret".equals(object.path("kind").asText()) && object.has("apiVersion");
            Iterator<Map.Entry<String, JsonNode>> entries = object.fields();
            List<String> names = new ArrayList<>();
            entries.forEachRemaining(e -> names.add(e.getKey()));
            for (String name : names) {
                String at = path.isEmpty() ? name : path + "." + name;
                JsonNode value = object.get(name);
                if ((kubeSecret && (name.equals("data") || name.equals("stringData"))) || (secretName(name) && !value.isNull())) {
                    object.set(name, redactAll(value, at, fields));
                } else {
                    apply(value, at, fields);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                apply(array.get(i), path + "[" + i + "]", fields);
            }
        }
    }

    /** Every scalar under {@code node} redacted (the structure and the names stay). */
    private static JsonNode redactAll(JsonNode node, String path, List<String> fields) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                object.set(name, redactAll(object.get(name), path + "." + name, fields));
            }
            return object;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, redactAll(array.get(i), path + "[" + i + "]", fields));
            }
            return array;
        }
        fields.add(path);
        return TextNode.valueOf(Secret.REDACTED);
    }
}
