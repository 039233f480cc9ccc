package dev.baton.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;

/** The cookie that keeps a client on the version first chosen for it (sticky canary). */
final class StickyCookie {

    /** Name of the cookie holding the version. */
    static final String NAME = "baton_version";

    private StickyCookie() {
    }

    static String read(RequestHead req) {
        for (String header : req.values(HeaderName.COOKIE)) {
            for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
                if (NAME.equals(c.name())) {
                    return c.value();
                }
            }
        }
        return null;
    }

    static void set(HttpResponse res, String version) {
        DefaultCookie c = new DefaultCookie(NAME, version);
        c.setPath("/");
        c.setHttpOnly(true);
        res.headers().add(HttpHeaderNames.SET_COOKIE, ServerCookieEncoder.LAX.encode(c));
    }
}
