package io.seedbootstrap.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.seedbootstrap.apps.AppStep;
import io.seedbootstrap.apps.KubeSecret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What the helm-controller's job does with one of our HelmChart files, done with real Helm: the
 * chart from {@code chartContent} (base64 of the archive, contract D), then the values files in
 * the order klipper-helm passes them ({@code for VALUES_FILE in /config/*.yaml}, entry lines 8-11):
 * helm-controller writes valuesContent before the valuesSecrets' keys (types.go ValuesContent,
 * ValuesSecrets), so a secret key wins over valuesContent. The release is the HelmChart's name in
 * its targetNamespace. RKE2's injected {@code global.*} set values are left out: none of the four
 * charts reads them (grep of ../shared/upstream/charts).
 */
final class HelmControllerRender {
    record Rendered(JsonNode helmChart, JsonNode effectiveValues, List<JsonNode> objects) {
        List<JsonNode> kind(String kind) {
            return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
        }

        JsonNode one(String kind, String name) {
            List<JsonNode> found = objects.stream()
                    .filter(o -> o.path("kind").asText().equals(kind) && o.path("metadata").path("name").asText().equals(name)).toList();
            assertEquals(1, found.size(), () -> kind + " " + name + " in " + names());
            return found.get(0);
        }

        List<String> names() {
            return objects.stream().map(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText()).toList();
        }
    }

    private HelmControllerRender() {}

    static Rendered render(AppStep step, Path work) throws IOException {
        JsonNode helmChart = UpstreamCharts.YAML.readTree(step.chart().content());
        JsonNode spec = helmChart.path("spec");
        String name = helmChart.path("metadata").path("name").asText();
        Path dir = work.resolve("job-" + name);
        Files.createDirectories(dir);
        Path chart = dir.resolve("chart.tgz");
        Files.write(chart, Base64.getDecoder().decode(spec.path("chartContent").asText()));

        List<Path> valuesFiles = new ArrayList<>();
        if (spec.has("valuesContent")) {
            Path file = dir.resolve("values-01_HelmChart.yaml");
            Files.writeString(file, spec.path("valuesContent").asText());
            valuesFiles.add(file);
        }
        int index = 0;
        for (JsonNode ref : spec.path("valuesSecrets")) {
            // D: valuesSecrets are read from the HelmChart's namespace
            KubeSecret secret = step.secrets().stream()
                    .filter(s -> s.name().equals(ref.path("name").asText()) && s.namespace().equals(helmChart.path("metadata").path("namespace").asText()))
                    .findFirst().orElseThrow(() -> new AssertionError("valuesSecrets names " + ref + " but the app creates no such Secret"));
            JsonNode data = new ObjectMapper().readTree(secret.json()).path("data");
            for (JsonNode key : ref.path("keys")) {
                assertTrue(data.has(key.asText()), () -> "Secret " + secret.name() + " has no key " + key);
                Path file = dir.resolve("values-20_" + (index++) + ".yaml");
                Files.write(file, Base64.getDecoder().decode(data.path(key.asText()).asText()));
                valuesFiles.add(file);
            }
        }
        TemplateCommand template = Helm.template(chart.toString())
                .withName(name)
                .withNamespace(spec.path("targetNamespace").asText());
        for (Path file : valuesFiles) {
            template.withValuesFile(file);
        }
        String output = template.call();
        return new Rendered(helmChart, effectiveValues(valuesFiles), UpstreamCharts.documents(output));
    }

    /** The values files merged the way Helm merges --values (later wins, maps merged deeply); chart defaults not included. */
    private static JsonNode effectiveValues(List<Path> files) throws IOException {
        var merged = UpstreamCharts.YAML.createObjectNode();
        for (Path file : files) {
            JsonNode values = UpstreamCharts.YAML.readTree(file.toFile());
            if (values != null && values.isObject()) {
                UpstreamCharts.YAML.readerForUpdating(merged).readValue(values);
            }
        }
        return merged;
    }
}
