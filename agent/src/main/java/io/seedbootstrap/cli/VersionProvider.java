package io.seedbootstrap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** Project version and git commit, stamped into the jar at build time. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/io/seedbootstrap/version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        }
        String version = properties.getProperty("version", "unknown");
        String commit = properties.getProperty("commit", "");
        if (commit.isBlank() || commit.startsWith("${")) {
            commit = "unknown";
        }
        return new String[] {"seed-bootstrap " + version + " (commit " + commit + ")",
            "Java " + System.getProperty("java.version") + " on " + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
    }

    /** "seed-bootstrap VERSION (commit C)": who made a file (backup archive, support bundle), or just the name when unreadable. */
    static String createdBy() {
        try {
            return new VersionProvider().getVersion()[0];
        } catch (IOException e) {
            return "seed-bootstrap";
        }
    }
}
