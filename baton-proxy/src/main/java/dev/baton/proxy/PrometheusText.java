package dev.baton.proxy;

import java.util.Collection;

/** Renders the proxy's metrics in the Prometheus text exposition format (version 0.0.4). */
final class PrometheusText {

    private PrometheusText() {
    }

    static String render(Collection<VersionMetrics.Snapshot> versions, Collection<BackendView> backends) {
        StringBuilder sb = new StringBuilder(2048);
        header(sb, "baton_proxy_requests_total", "counter", "Requests received, by version.");
        versions.forEach(v -> line(sb, "baton_proxy_requests_total", v.version(), null, v.requests()));
        header(sb, "baton_proxy_responses_total", "counter", "Responses sent, by version and status class.");
        for (VersionMetrics.Snapshot v : versions) {
            line(sb, "baton_proxy_responses_total", v.version(), "class=\"1xx\"", v.responses1xx());
            line(sb, "baton_proxy_responses_total", v.version(), "class=\"2xx\"", v.responses2xx());
            line(sb, "baton_proxy_responses_total", v.version(), "class=\"3xx\"", v.responses3xx());
            line(sb, "baton_proxy_responses_total", v.version(), "class=\"4xx\"", v.responses4xx());
            line(sb, "baton_proxy_responses_total", v.version(), "class=\"5xx\"", v.responses5xx());
        }
        header(sb, "baton_proxy_retries_total", "counter", "Requests sent again to another backend, by version.");
        versions.forEach(v -> line(sb, "baton_proxy_retries_total", v.version(), null, v.retries()));
        header(sb, "baton_proxy_in_flight", "gauge", "Requests in flight, by version.");
        versions.forEach(v -> line(sb, "baton_proxy_in_flight", v.version(), null, v.inFlight()));
        header(sb, "baton_proxy_request_duration_seconds", "summary", "Time to the end of the response, by version.");
        for (VersionMetrics.Snapshot v : versions) {
            String n = "baton_proxy_request_duration_seconds";
            seconds(sb, n, v.version(), "quantile=\"0.5\"", v.p50Micros());
            seconds(sb, n, v.version(), "quantile=\"0.9\"", v.p90Micros());
            seconds(sb, n, v.version(), "quantile=\"0.99\"", v.p99Micros());
            seconds(sb, n, v.version(), "quantile=\"0.999\"", v.p999Micros());
            sb.append(n).append("_count{version=\"").append(v.version()).append("\"} ").append(v.latencyCount())
                    .append('\n');
        }
        header(sb, "baton_proxy_backend_ready", "gauge", "1 when the backend is READY.");
        for (BackendView b : backends) {
            sb.append("baton_proxy_backend_ready{backend=\"").append(b.id()).append("\",version=\"")
                    .append(b.version()).append("\",state=\"").append(b.state()).append("\"} ")
                    .append(b.state() == BackendState.READY ? 1 : 0).append('\n');
        }
        return sb.toString();
    }

    private static void header(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(StringBuilder sb, String name, String version, String extra, long value) {
        sb.append(name).append("{version=\"").append(version).append('"');
        if (extra != null) {
            sb.append(',').append(extra);
        }
        sb.append("} ").append(value).append('\n');
    }

    private static void seconds(StringBuilder sb, String name, String version, String extra, long micros) {
        sb.append(name).append("{version=\"").append(version).append("\",").append(extra).append("} ")
                .append(micros / 1_000_000.0).append('\n');
    }
}
