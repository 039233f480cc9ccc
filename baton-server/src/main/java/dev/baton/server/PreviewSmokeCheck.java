package dev.baton.server;

import dev.baton.rollout.SmokeCheck;
import java.time.Duration;

/**
 * A blue-green smoke check as the new version's users would meet it: {@code GET path} through the
 * proxy's preview port, which serves only the version on preview. When the proxy has no preview
 * listener, every ready instance of the version is checked directly instead.
 */
final class PreviewSmokeCheck implements SmokeCheck {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ProxyTrafficControl traffic;
    private final SmokeCheck throughPreview;
    private final SmokeCheck direct;

    PreviewSmokeCheck(ProxyTrafficControl traffic, SmokeCheck direct) {
        this.traffic = traffic;
        this.throughPreview = traffic.previewPort() == null ? null
                : SmokeCheck.http(traffic.previewHost(), traffic.previewPort(), TIMEOUT);
        this.direct = direct;
    }

    @Override
    public boolean passes(String version, String path) {
        if (throughPreview != null && version.equals(traffic.preview())) {
            return throughPreview.passes(version, path);
        }
        return direct.passes(version, path);
    }
}
