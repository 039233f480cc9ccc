package dev.baton.proof;

/** How one request ended, as the client saw it. Every request sent ends in exactly one of these. */
public enum Outcome {
    /** A 1xx..3xx response arrived in time. */
    OK,
    /** Refused, reset, a 4xx/5xx response, or any other error the client saw. */
    FAILED,
    /** No answer within the timeout: the request may or may not have had its effect. */
    UNKNOWN
}
