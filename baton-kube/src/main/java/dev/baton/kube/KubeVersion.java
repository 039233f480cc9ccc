package dev.baton.kube;

import io.fabric8.kubernetes.client.VersionInfo;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kubernetes version manifests are written for. An API server older than a field silently drops it (no field
 * validation before 1.25), so what a render may use is decided here, in one place: the PodDisruptionBudget's API
 * group version, its eviction policy for unhealthy pods, and how a preStop delay is written.
 */
public record KubeVersion(int major, int minor) {
    /** What a render assumes when no cluster and no {@code --kube-version} says otherwise. */
    public static final KubeVersion LATEST = new KubeVersion(1, 30);
    private static final Pattern TEXT = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.\\d+)?");

    public KubeVersion {
        if (major < 1 || minor < 0) {
            throw new IllegalArgumentException("kube-version: must be MAJOR.MINOR, e.g. 1.20, got " + major + "." + minor);
        }
    }

    /**
     * {@code 1.20}, {@code v1.20.15} or {@code 1.30}.
     *
     * @throws IllegalArgumentException starting with {@code kube-version:}
     */
    public static KubeVersion parse(String text) {
        Matcher m = text == null ? null : TEXT.matcher(text.strip());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("kube-version: must be MAJOR.MINOR, e.g. 1.20, got '" + text + "'");
        }
        return new KubeVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** The API server's own version ({@code /version}; minors like {@code 20+} of managed clusters count as 20). */
    public static KubeVersion of(VersionInfo v) {
        return new KubeVersion(leadingInt(v.getMajor()), leadingInt(v.getMinor()));
    }

    private boolean atLeast(int minorOf1) {
        return major > 1 || minor >= minorOf1;
    }

    /** {@code policy/v1} from 1.21; before, only {@code policy/v1beta1} exists. */
    public String disruptionBudgetApi() {
        return atLeast(21) ? "policy/v1" : "policy/v1beta1";
    }

    /** {@code unhealthyPodEvictionPolicy} is on by default from 1.27 (beta); an older server drops it. */
    boolean hasUnhealthyPodEvictionPolicy() {
        return atLeast(27);
    }

    /** The kubelet's {@code sleep} preStop action exists from 1.29 (beta, on by default from 1.30); before, exec it. */
    PodTemplate.PreStopAction preStopAction() {
        return atLeast(30) ? PodTemplate.PreStopAction.SLEEP : PodTemplate.PreStopAction.EXEC_SLEEP;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }

    private static int leadingInt(String s) {
        String digits = s == null ? "" : s.replaceAll("^(\\d*).*$", "$1");
        return digits.isEmpty() ? 0 : Integer.parseInt(digits);
    }
}
