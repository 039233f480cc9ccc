package dev.baton.server.verify;

/** The signals a fault sends to an instance's process group. */
public enum Signal {
    /** Graceful: the instance drains its requests and jobs, then exits. */
    TERM,
    /** Abrupt: nothing runs after it; requests inside fail, held jobs come back when their lease expires. */
    KILL
}
