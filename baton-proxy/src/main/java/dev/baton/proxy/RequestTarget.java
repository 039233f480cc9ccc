package dev.baton.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Locale;

/**
 * The absolute form of a request target ({@code GET http://example.com/x HTTP/1.1}, RFC 9112 §3.2.2).
 * A server must then ignore {@code Host} and use the target's authority; the proxy forwards the
 * origin form with {@code Host} set to that authority, so that the backend can never see a target
 * and a {@code Host} that disagree.
 *
 * @param authority the {@code host[:port]} of the target
 * @param originForm the path and query, {@code /} when the target has none
 */
record RequestTarget(String authority, String originForm) {

    /** The parts of an absolute-form {@code http} or {@code https} target, or null for any other target. */
    static RequestTarget absolute(String target) {
        String lower = target.length() > 8 ? target.substring(0, 8).toLowerCase(Locale.ROOT) : "";
        int start;
        if (lower.startsWith("http://")) {
            start = 7;
        } else if (lower.startsWith("https://")) {
            start = 8;
        } else {
            return null;
        }
        int end = start;
        while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
            end++;
        }
        String authority = target.substring(start, end);
        if (!RequestChecks.validHost(authority)) {
            return null; // also refuses userinfo ('@'), which no request target may carry
        }
        String rest = target.substring(end);
        if (rest.startsWith("#")) {
            return null;
        }
        return new RequestTarget(authority, rest.isEmpty() ? "/" : rest.startsWith("?") ? "/" + rest : rest);
    }

    /** Rewrites an absolute-form request to origin form with {@code Host} from the target; others are unchanged. */
    static void toOriginForm(HttpRequest req) {
        RequestTarget t = absolute(req.uri());
        if (t != null) {
            req.setUri(t.originForm());
            req.headers().set(HttpHeaderNames.HOST, t.authority());
        }
    }
}
