package io.seedbootstrap.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.testvm.TestMachine;
import java.util.ArrayList;
import java.util.List;

/**
 * What the RKE2 contract double (a test double, not RKE2) records in its datastore for tests,
 * read with etcdctl on a server: every join attempt under {@code /registry/double/joins/} and
 * every {@code --cluster-reset} under {@code /registry/double/cluster-resets/}, keyed by the
 * nanosecond they happened at (test-vms/rke2-double/README.md).
 */
final class DoubleRecords {
    /** One record; {@code nanos} is the wall-clock time from its key. */
    record Entry(long nanos, JsonNode value) {
        String text(String field) {
            return value.path(field).asText();
        }
    }

    private DoubleRecords() {}

    static List<Entry> joins(TestMachine server) throws Exception {
        return read(server, "/registry/double/joins/");
    }

    static List<Entry> clusterResets(TestMachine server) throws Exception {
        return read(server, "/registry/double/cluster-resets/");
    }

    /** The etcd members as {@code etcdctl member list -w json} shows them. */
    static JsonNode members(TestMachine server) throws Exception {
        return new ObjectMapper().readTree(server.sh(ETCDCTL + " member list -w json").orThrow("etcd members").stdout()).path("members");
    }

    private static final String ETCDCTL = "ETCDCTL_API=3 etcdctl --endpoints=http://127.0.0.1:2379";

    private static List<Entry> read(TestMachine server, String prefix) throws Exception {
        // keys and values alternate, one per line
        List<String> lines = server.sh(ETCDCTL + " get --prefix " + prefix).orThrow("read " + prefix).stdout().lines()
                .filter(l -> !l.isBlank()).toList();
        List<Entry> entries = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i + 1 < lines.size(); i += 2) {
            entries.add(new Entry(Long.parseLong(lines.get(i).substring(prefix.length())), json.readTree(lines.get(i + 1))));
        }
        return entries;
    }
}
