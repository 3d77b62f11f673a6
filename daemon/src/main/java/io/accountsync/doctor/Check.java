package io.accountsync.doctor;

import java.util.Objects;

/**
 * The result of one check of one environment.
 *
 * @param env    the environment's name
 * @param name   what was checked ({@code wal_level}, {@code grants}, ...)
 * @param status OK, WARN or FAIL
 * @param detail what was found, one line, never a secret
 * @param fix    for WARN and FAIL: the exact SQL or setting that fixes it (lines separated by
 *               {@code \n}); null for OK
 */
public record Check(String env, String name, Status status, String detail, String fix) {

    public Check {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
        if (status != Status.OK && (fix == null || fix.isBlank())) {
            throw new IllegalArgumentException(status + " check " + name + " of " + env + " needs a fix hint");
        }
        if (status == Status.OK) {
            fix = null;
        }
    }

    public static Check ok(String env, String name, String detail) {
        return new Check(env, name, Status.OK, detail, null);
    }

    public static Check warn(String env, String name, String detail, String fix) {
        return new Check(env, name, Status.WARN, detail, fix);
    }

    public static Check fail(String env, String name, String detail, String fix) {
        return new Check(env, name, Status.FAIL, detail, fix);
    }
}
