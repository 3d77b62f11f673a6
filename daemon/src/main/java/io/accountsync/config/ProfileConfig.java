package io.accountsync.config;

import io.accountsync.profile.GenericMapping;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which profile an environment uses, with that profile's settings.
 *
 * @param type    the profile's configuration name; only {@code generic} so far
 * @param generic the table mapping when {@code type} is {@code generic}, else null
 */
public record ProfileConfig(String type, GenericMapping generic) {

    public static final String GENERIC = "generic";

    /** Profile types the loader accepts (trac, mediawiki and moodle will join). */
    public static final List<String> KNOWN_TYPES = List.of(GENERIC);

    public ProfileConfig {
        Objects.requireNonNull(type, "type");
        if (!KNOWN_TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown profile type '" + type + "' (known: " + String.join(", ", KNOWN_TYPES) + ")");
        }
        if (GENERIC.equals(type) && generic == null) {
            throw new IllegalArgumentException("a generic profile needs its mapping");
        }
    }

    public static ProfileConfig generic(GenericMapping mapping) {
        return new ProfileConfig(GENERIC, mapping);
    }

    /** The canonical fields this environment stores, besides the username. */
    public Set<String> mappedFields() {
        return Set.copyOf(generic.fields().keySet());
    }
}
