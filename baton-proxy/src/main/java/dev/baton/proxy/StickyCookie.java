package dev.baton.proxy;

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

    /** The {@code Set-Cookie} value that keeps a client on {@code version}. */
    static String header(String version) {
        DefaultCookie c = new DefaultCookie(NAME, version);
        c.setPath("/");
        c.setHttpOnly(true);
        return ServerCookieEncoder.LAX.encode(c);
    }
}
