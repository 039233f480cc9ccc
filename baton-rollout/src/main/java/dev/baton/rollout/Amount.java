package dev.baton.rollout;

/**
 * A count of instances written either as a whole number ({@code 1}) or as a percentage of the
 * desired instances ({@code 25%}), as Kubernetes writes {@code maxSurge} and {@code maxUnavailable}.
 */
public record Amount(int value, boolean percent) {
    public Amount {
        if (value < 0 || (percent && value > 100)) {
            throw new IllegalArgumentException("amount: must be a whole number >= 0 or a percentage 0%..100%, got "
                    + value + (percent ? "%" : ""));
        }
    }

    public static Amount of(int n) {
        return new Amount(n, false);
    }

    public static Amount percent(int p) {
        return new Amount(p, true);
    }

    /** Resolves against the desired instance count; percentages round up (surge) or down (unavailable). */
    public int resolve(int instances, boolean roundUp) {
        if (!percent) {
            return value;
        }
        long scaled = (long) instances * value;
        return (int) (roundUp ? (scaled + 99) / 100 : scaled / 100);
    }

    @Override
    public String toString() {
        return value + (percent ? "%" : "");
    }
}
