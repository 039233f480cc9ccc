package dev.baton.server;

import dev.baton.rollout.InstanceView;
import dev.baton.rollout.SmokeCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * A blue-green smoke check sent to every ready instance of the new version directly, for a proxy without
 * a preview listener (see {@link PreviewSmokeCheck}): the same instances the preview would have served.
 * All must answer 2xx.
 */
final class DirectSmokeCheck implements SmokeCheck {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final Function<String, List<InstanceView>> readyInstances;

    DirectSmokeCheck(Function<String, List<InstanceView>> readyInstances) {
        this.readyInstances = readyInstances;
    }

    @Override
    public boolean passes(String version, String path) {
        List<InstanceView> ready = readyInstances.apply(version);
        if (ready.isEmpty()) {
            return false;
        }
        for (InstanceView v : ready) {
            try {
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + v.instance().host() + ":"
                        + v.instance().port() + path)).timeout(TIMEOUT).GET().build();
                int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 != 2) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
