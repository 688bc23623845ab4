package io.seedbootstrap.phase.install;

import io.seedbootstrap.apps.SeedApps;
import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.VerifyBundle;
import io.seedbootstrap.pki.ca.SiteMaterial;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The seed apps' inputs, checked on the operator's side before any host is contacted (contract
 * D–H, A.9): their charts are in the bundle and fit chartContent, Rancher's and ArgoCD's host
 * names have a valid site certificate, Rancher has a registry, the namespaces are exempt under
 * CIS. All problems at once, exit 2 — before the first change, not after a half-deployed seed.
 */
public final class CheckSeedApps implements Phase {
    private final Path pkiDir;

    public CheckSeedApps(Path pkiDir) {
        this.pkiDir = pkiDir;
    }

    @Override
    public String title() {
        return "Check the seed apps' charts and certificates";
    }

    @Override
    public boolean shouldRun(RunContext context) {
        return !SeedApps.requiredCharts(context.inventory()).isEmpty();
    }

    @Override
    public void run(RunContext context) {
        VerifiedBundle bundle = context.state().get(null, VerifyBundle.BUNDLE);
        List<String> problems = SeedApps.problems(context.inventory(), BundleCharts.of(bundle), new SiteMaterial(pkiDir), Instant.now());
        if (!problems.isEmpty()) {
            throw SeedException.badInput("the seed apps cannot be deployed:\n  " + String.join("\n  ", problems));
        }
        context.reporter().info(null, "seed apps: " + String.join(", ", SeedApps.requiredCharts(context.inventory())));
    }
}
