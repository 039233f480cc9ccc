package dev.baton.bench.proxy;

import com.sun.management.ThreadMXBean;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Arrays;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Bytes allocated so far by the event-loop threads of a Java proxy in another process, read through
 * its {@code ThreadMXBean} (the JVM's exact per-thread allocation counter) over a local JMX
 * connection made with the attach API. Sampled around a run, divided by the requests, it gives
 * bytes allocated per request on the request path.
 */
final class LoopAllocation implements AutoCloseable {

    private final JMXConnector connector;
    private final ThreadMXBean threads;
    private final String threadPrefix;

    private LoopAllocation(JMXConnector connector, ThreadMXBean threads, String threadPrefix) {
        this.connector = connector;
        this.threads = threads;
        this.threadPrefix = threadPrefix;
    }

    /** Connects to {@code pid}; counts threads whose name starts with {@code threadPrefix}. */
    static LoopAllocation attach(long pid, String threadPrefix) throws IOException {
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(String.valueOf(pid));
        } catch (com.sun.tools.attach.AttachNotSupportedException e) {
            throw new IOException("cannot attach to process " + pid + ": " + e.getMessage(), e);
        }
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address));
        ThreadMXBean bean = ManagementFactory.newPlatformMXBeanProxy(c.getMBeanServerConnection(),
                ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        return new LoopAllocation(c, bean, threadPrefix);
    }

    /** Bytes allocated so far by all matching threads (threads that ended are no longer counted). */
    long bytes() {
        long[] ids = Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                .filter(i -> i != null && i.getThreadName().startsWith(threadPrefix))
                .mapToLong(ThreadInfo::getThreadId).toArray();
        long sum = 0;
        for (long b : threads.getThreadAllocatedBytes(ids)) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
