package dev.baton.proof;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Turns what the HTTP client threw into an outcome and a short reason a person can read. */
final class FailureReason {

    record Classified(Outcome outcome, String reason) {}

    private FailureReason() {}

    static Classified of(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        // A connect timeout means the request never left: the client knows it failed.
        if (e instanceof HttpConnectTimeoutException) {
            return new Classified(Outcome.FAILED, "connect timed out");
        }
        if (e instanceof HttpTimeoutException || e instanceof TimeoutException) {
            return new Classified(Outcome.UNKNOWN, "timed out");
        }
        if (e instanceof ConnectException) {
            return new Classified(Outcome.FAILED, "connection refused" + detail(e));
        }
        String message = String.valueOf(e.getMessage());
        if (e instanceof IOException && message.toLowerCase().contains("reset")) {
            return new Classified(Outcome.FAILED, "connection reset");
        }
        if (e instanceof IOException) {
            return new Classified(Outcome.FAILED, "i/o error: " + message);
        }
        return new Classified(Outcome.FAILED, e.getClass().getSimpleName() + ": " + message);
    }

    static Classified ofStatus(int status) {
        if (status >= 100 && status < 400) {
            return new Classified(Outcome.OK, null);
        }
        return new Classified(Outcome.FAILED, "HTTP " + status);
    }

    private static String detail(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? "" : " (" + e.getMessage() + ")";
    }
}
