package dev.baton.proxy;

import java.util.Collection;
import java.util.Locale;

/**
 * Renders the proxy's metrics in the Prometheus text exposition format (version 0.0.4). Latency is a
 * histogram (cumulative buckets, {@code _sum}, {@code _count}) rather than lifetime quantiles: a histogram
 * subtracts, so a window can be judged from two scrapes, and it aggregates across proxy replicas.
 */
final class PrometheusText {

    static final String DURATION = "baton_proxy_request_duration_seconds";

    private PrometheusText() {
    }

    static String render(Collection<VersionMetrics.Snapshot> versions, Collection<BackendView> backends) {
        StringBuilder sb = new StringBuilder(4096);
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
        header(sb, DURATION, "histogram", "Time to the end of the response, by version.");
        for (VersionMetrics.Snapshot v : versions) {
            for (int i = 0; i < VersionMetrics.BUCKET_BOUNDS_SECONDS.size(); i++) {
                line(sb, DURATION + "_bucket", v.version(),
                        "le=\"" + number(VersionMetrics.BUCKET_BOUNDS_SECONDS.get(i)) + "\"", v.latencyBuckets().get(i));
            }
            line(sb, DURATION + "_bucket", v.version(), "le=\"+Inf\"", v.latencyCount());
            sb.append(DURATION).append("_sum{version=\"").append(escape(v.version())).append("\"} ")
                    .append(number(v.latencySumMicros() / 1_000_000.0)).append('\n');
            line(sb, DURATION + "_count", v.version(), null, v.latencyCount());
        }
        header(sb, "baton_proxy_backend_ready", "gauge", "1 when the backend is READY.");
        for (BackendView b : backends) {
            sb.append("baton_proxy_backend_ready{backend=\"").append(escape(b.id())).append("\",version=\"")
                    .append(escape(b.version())).append("\",state=\"").append(b.state()).append("\"} ")
                    .append(b.state() == BackendState.READY ? 1 : 0).append('\n');
        }
        return sb.toString();
    }

    private static void header(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(StringBuilder sb, String name, String version, String extra, long value) {
        sb.append(name).append("{version=\"").append(escape(version)).append('"');
        if (extra != null) {
            sb.append(',').append(extra);
        }
        sb.append("} ").append(value).append('\n');
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%s", v);
    }

    /** A label value: backslash, double quote and line feed escaped, as the format requires. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
