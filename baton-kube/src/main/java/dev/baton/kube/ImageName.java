package dev.baton.kube;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container image reference as registries and the kubelet accept it:
 * {@code [registry[:port]/]path[:tag][@algorithm:digest]}, the path in lowercase.
 */
record ImageName(String reference, String tag, String digest) {
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String REGISTRY = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
            + "(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?/)";
    private static final Pattern REFERENCE = Pattern.compile(REGISTRY + "?" + COMPONENT + "(?:/" + COMPONENT + ")*"
            + "(?::([\\w][\\w.-]{0,127}))?(?:@([a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}))?");
    static final String ALLOWED = "[registry[:port]/]name[:tag][@sha256:digest], name in lowercase, e.g. "
            + "registry.example.com/shop:v42";

    /**
     * Parses and checks a reference.
     *
     * @throws IllegalArgumentException starting with {@code image:} when it is not a valid reference
     */
    static ImageName parse(String reference) {
        Matcher m = reference == null || reference.length() > 255 ? null : REFERENCE.matcher(reference);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("image: not a valid image reference '" + reference + "'; use " + ALLOWED);
        }
        return new ImageName(reference, m.group(1), m.group(2));
    }

    /** The version the tag names: the tag, else the digest's first 12 hex digits, else {@code latest}. */
    String version() {
        if (tag != null) {
            return tag;
        }
        if (digest != null) {
            String hex = digest.substring(digest.indexOf(':') + 1);
            return hex.substring(0, Math.min(12, hex.length()));
        }
        return "latest";
    }
}
