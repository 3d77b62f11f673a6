package io.accountsync.connect;

import java.util.Objects;

/**
 * A secret value (a password). It prints as {@code [hidden]} everywhere: toString, records that hold
 * it, logs. Only {@link #reveal()} gives the value, at the point where a driver needs it.
 */
public final class Secret {
    public static final String HIDDEN = "[hidden]";
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return HIDDEN;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
