package dev.baton.proxy;

/**
 * Something that times out: a node of one {@link DeadlineQueue}, linked in place so that arming and
 * disarming allocate nothing. Confined to the event loop of its queue.
 */
abstract class Deadline {

    Deadline prev;
    Deadline next;
    DeadlineQueue queue;
    long at;

    /** True while armed. */
    final boolean armed() {
        return queue != null;
    }

    /** The deadline passed while armed; it has already been disarmed. */
    abstract void expired();
}
