package io.accountsync.model;

import java.util.List;

/**
 * Canonical field names. Field values travel as strings (null = no value) so that every profile
 * can map them to its own column types; a generic mapping may declare further custom names.
 */
public final class Fields {
    public static final String USERNAME = "username";
    public static final String DISPLAY_NAME = "display_name";
    public static final String GIVEN_NAME = "given_name";
    public static final String FAMILY_NAME = "family_name";
    public static final String EMAIL = "email";
    public static final String EMAIL_VERIFIED = "email_verified";
    public static final String PASSWORD = "password";
    public static final String STATUS = "status";

    /** Fields synced when the configuration does not say otherwise. */
    public static final List<String> DEFAULT_SYNC = List.of(DISPLAY_NAME, EMAIL);

    /** Built-in canonical fields; custom fields of a generic mapping are added to these. */
    public static final List<String> BUILT_IN =
            List.of(USERNAME, DISPLAY_NAME, GIVEN_NAME, FAMILY_NAME, EMAIL, EMAIL_VERIFIED, PASSWORD, STATUS);

    private Fields() {
    }
}
