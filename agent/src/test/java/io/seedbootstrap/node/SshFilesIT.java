package io.seedbootstrap.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.seedbootstrap.testvm.ExecResult;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.ssh.SshTarget;
import io.seedbootstrap.testvm.TestMachine;
import io.seedbootstrap.testvm.TestMachines;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SshFiles#states} on a real host: the verified records stand in for hashing exactly while a file is untouched. */
class SshFilesIT {
    @RegisterExtension
    static final TestMachines machines = TestMachines.builder().count(1).build();

    private static final String DIR = "/var/tmp/sshfiles-it";

    private static String sh(TestMachine m, String script) {
        ExecResult r = m.sh(script);
        assertEquals(0, r.exitCode(), script + "\n" + r.stderr());
        return r.stdout().trim();
    }

    @Test
    void aRecordedFileIsNotReadAgainUntilItIsTouchedAndOnlyRegularFilesAreListed() {
        TestMachine m = machines.get(0);
        sh(m, "mkdir -p " + DIR + "/folder && printf 'one' > " + DIR + "/a && printf 'two' > " + DIR + "/b && chmod 0640 " + DIR
                + "/b && ln -sf b " + DIR + "/link");
        String realA = sh(m, "sha256sum < " + DIR + "/a | cut -c1-64");
        String realB = sh(m, "sha256sum < " + DIR + "/b | cut -c1-64");
        SshTarget target = SshTarget.simple(m.name(), m.sshHost(), m.sshPort(), m.user(), m.privateKey(), m.knownHosts())
                .withTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(60));
        try (RemoteHost remote = RemoteHost.connect(target, SshOptions.defaults())) {
            SshFiles files = new SshFiles(remote);
            List<String> paths = List.of(DIR + "/a", DIR + "/b", DIR + "/link", DIR + "/folder", DIR + "/missing");
            Map<String, NodeFiles.State> hashed = files.states(paths);
            assertEquals(Map.of(DIR + "/a", new NodeFiles.State(realA, "0644"), DIR + "/b", new NodeFiles.State(realB, "0640"),
                    DIR + "/link", new NodeFiles.State(realB, "0777")), hashed, "a symlink to a file counts, with its own mode; no folder, nothing missing");

            // a record whose sha256 is not the content's proves the answer comes from the record, not from reading the file
            String recorded = "0".repeat(64);
            files.rememberVerified(Map.of(DIR + "/a", recorded));
            assertEquals(recorded, files.states(paths).get(DIR + "/a").sha256(), "an untouched recorded file is not read");
            assertEquals(realB, files.states(paths).get(DIR + "/b").sha256(), "a file without a record is read");

            sh(m, "touch " + DIR + "/a"); // same content and size, new times: the record no longer matches
            assertEquals(realA, files.states(paths).get(DIR + "/a").sha256(), "a touched file is read again");
            assertFalse(files.states(List.of(DIR + "/missing")).containsKey(DIR + "/missing"));
        } finally {
            sh(m, "rm -rf " + DIR + " " + NodeFiles.VERIFIED_DIR + "/_var_tmp_sshfiles-it_a");
        }
    }
}
