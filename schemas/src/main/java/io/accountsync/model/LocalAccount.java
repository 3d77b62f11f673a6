package io.accountsync.model;

import java.time.Instant;
import java.util.Map;

/** An account as one environment stores it (read at bootstrap or after a create). */
public record LocalAccount(String env, String localKey, String username, Map<String, String> fields,
                           Instant lastActivity) {
    public LocalAccount {
        fields = fields == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.HashMap<>(fields));
    }
}
