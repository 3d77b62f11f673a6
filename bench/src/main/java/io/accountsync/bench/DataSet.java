package io.accountsync.bench;

import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The bootstrap data set, generated deterministically (the same on every run and for every reload): {@code n}
 * accounts in three environments, 5% missing from one of them, 10% divergent (one environment holds a
 * different display name or email, with a later last activity, so that the {@code newer} policy decides it
 * without an operator). Environment indexes 0, 1, 2 are a, b, c.
 */
final class DataSet {
    static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    private static final long DIVERGED_LATER_S = 30L * 86_400;

    private final int n;

    DataSet(int n) {
        this.n = n;
    }

    int size() {
        return n;
    }

    /** splitmix64's finalizer: a good 64-bit mix of {@code z}. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static String username(int i) {
        String s = Integer.toString(i);
        return "user" + "0000000".substring(Math.min(7, s.length())) + s;
    }

    /** The environment account {@code i} is missing from, or -1. */
    static int missingFrom(int i) {
        long h = mix(i + 0x9e3779b97f4a7c15L);
        return Long.remainderUnsigned(h, 100) < 5 ? (int) Long.remainderUnsigned(h >>> 8, 3) : -1;
    }

    /** The environment where account {@code i} diverges, or -1. */
    static int divergesIn(int i) {
        long h = mix(i + 0x9e3779b97f4a7c15L);
        if (Long.remainderUnsigned(h >>> 16, 100) >= 10) {
            return -1;
        }
        int env = (int) Long.remainderUnsigned(h >>> 24, 3);
        int missing = missingFrom(i);
        return env == missing ? (env + 1) % 3 : env;
    }

    /** Whether the divergence is in the display name (else in the email). */
    static boolean divergesInName(int i) {
        return (mix(i + 0x9e3779b97f4a7c15L) >>> 40 & 1) == 0;
    }

    static UsersDb.Row row(int i, int env) {
        String name = "Person " + i;
        String email = username(i) + "@example.org";
        Instant at = T0.plusSeconds(i);
        if (divergesIn(i) == env) {
            if (divergesInName(i)) {
                name = name + " Renamed";
            } else {
                email = username(i) + "@new.example.org";
            }
            at = at.plusSeconds(DIVERGED_LATER_S);
        }
        return new UsersDb.Row(username(i), name, email, at);
    }

    /** The converged value every environment must end with (the later edit wins). */
    static UsersDb.Row converged(int i) {
        int d = divergesIn(i);
        UsersDb.Row r = row(i, d < 0 ? 0 : d);
        return r;
    }

    /** The rows environment {@code env} starts with, in account order. */
    Iterator<UsersDb.Row> rows(int env) {
        return new Iterator<>() {
            private int i = advance(0);

            private int advance(int from) {
                int j = from;
                while (j < n && missingFrom(j) == env) {
                    j++;
                }
                return j;
            }

            @Override
            public boolean hasNext() {
                return i < n;
            }

            @Override
            public UsersDb.Row next() {
                if (i >= n) {
                    throw new NoSuchElementException();
                }
                UsersDb.Row r = row(i, env);
                i = advance(i + 1);
                return r;
            }
        };
    }

    /** The digest every environment must have once converged. */
    UsersDb.Digest convergedDigest() {
        long sum = 0;
        long xor = 0;
        for (int i = 0; i < n; i++) {
            UsersDb.Row r = converged(i);
            long h = UsersDb.Digest.hash(r.username(), r.fullName(), r.email());
            sum += h;
            xor ^= Long.rotateLeft(h, 17);
        }
        return new UsersDb.Digest(n, sum, xor);
    }

    /** Accounts that diverge somewhere, and accounts missing somewhere. */
    long[] counts() {
        long diverged = 0;
        long missing = 0;
        for (int i = 0; i < n; i++) {
            if (divergesIn(i) >= 0) {
                diverged++;
            }
            if (missingFrom(i) >= 0) {
                missing++;
            }
        }
        return new long[] {diverged, missing};
    }
}
