package dev.baton.server.verify;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What a {@link Fault} sees while a deploy runs: the target, the versions involved, whether the deploy is
 * still going, and where to record what it did.
 */
public final class FaultContext {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final FaultTarget target;
    private final String newVersion;
    private final BooleanSupplier deployRunning;
    private final PrintStream progress;
    private final List<Injection> injections = new ArrayList<>();
    private final Set<String> claimed = new HashSet<>();

    /**
     * @param newVersion the version being deployed
     * @param deployRunning true until the deploy has ended (succeeded or rolled back)
     * @param progress where a line per injection goes (standard error); {@code null} for none
     */
    public FaultContext(FaultTarget target, String newVersion, BooleanSupplier deployRunning, PrintStream progress) {
        this.target = target;
        this.newVersion = newVersion;
        this.deployRunning = deployRunning;
        this.progress = progress;
    }

    public FaultTarget target() {
        return target;
    }

    public String newVersion() {
        return newVersion;
    }

    /** Records what was done, now. */
    public synchronized Injection record(Injection injection) {
        injections.add(injection);
        if (progress != null) {
            progress.println("fault: " + injection.what());
        }
        return injection;
    }

    public synchronized List<Injection> injections() {
        return List.copyOf(injections);
    }

    /**
     * Polls {@code probe} until it finds something or the deploy has ended; empty in the second case.
     */
    public <T> Optional<T> awaitDuringDeploy(Supplier<Optional<T>> probe) throws InterruptedException {
        while (deployRunning.getAsBoolean()) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found;
            }
            TimeUnit.NANOSECONDS.sleep(POLL_NANOS);
        }
        return Optional.empty();
    }

    /** How a signalling fault describes what it did, from what the victim had inside at that moment. */
    @FunctionalInterface
    public interface Describe {
        String of(InstanceRef victim, int requestsInside, int jobsHeld);
    }

    /**
     * Waits during the deploy for a {@link #victim} matching {@code wanted}, sends it {@code signal} and
     * records the injection; false when the deploy ended first.
     */
    public boolean signalVictim(FaultKind kind, Predicate<InstanceRef> wanted, Signal signal, Describe describe)
            throws InterruptedException {
        Optional<Injection> done = awaitDuringDeploy(() -> victim(wanted).map(i -> {
            int inside = target.requestsInside(i);
            int held = target.jobsHeld(i);
            long at = System.nanoTime();
            target.signal(i, signal);
            return new Injection(kind, at, i, signal, inside, held, describe.of(i, inside, held));
        }));
        done.ifPresent(this::record);
        return done.isPresent();
    }

    /** An action against the whole system that says what it did. */
    @FunctionalInterface
    public interface Strike {
        String run() throws InterruptedException;
    }

    /**
     * Waits during the deploy for {@link #midRollout() its middle}, carries {@code strike} out and records what it
     * says it did; false when the deploy ended first.
     */
    public boolean strikeMidRollout(FaultKind kind, Strike strike) throws InterruptedException {
        if (awaitDuringDeploy(() -> midRollout() ? Optional.of(true) : Optional.<Boolean>empty()).isEmpty()) {
            return false;
        }
        long at = System.nanoTime();
        record(Injection.of(kind, at, strike.run()));
        return true;
    }

    /** The middle of a rollout: an instance of the new version is READY. */
    public boolean midRollout() {
        return target.instances().stream().anyMatch(i -> i.ready() && i.version().equals(newVersion));
    }

    /**
     * A READY instance matching {@code wanted}, but only in the middle of the rollout and while at least one
     * other instance is READY, so that killing it leaves somewhere for traffic to go; never one chosen before.
     */
    public Optional<InstanceRef> victim(Predicate<InstanceRef> wanted) {
        List<InstanceRef> ready = target.instances().stream().filter(InstanceRef::ready).toList();
        if (ready.size() < 2 || ready.stream().noneMatch(i -> i.version().equals(newVersion))) {
            return Optional.empty();
        }
        // Faults injected together strike different instances: the one chosen is claimed at once.
        synchronized (claimed) {
            Optional<InstanceRef> chosen = ready.stream().filter(i -> !claimed.contains(i.id())).filter(wanted)
                    .findFirst();
            chosen.ifPresent(i -> claimed.add(i.id()));
            return chosen;
        }
    }
}
