package io.accountsync.testsupport.apps;

/**
 * One generated person, as an application would hold them before any normalization.
 *
 * @param username   the login name (may have upper case, spaces, underscores, non-ASCII letters)
 * @param givenName  first name
 * @param familyName last name (may contain spaces: "van der Berg")
 * @param email      address (some are long, near the 100-character limit of Moodle)
 */
public record Person(String username, String givenName, String familyName, String email) {

    public String displayName() {
        return givenName + " " + familyName;
    }
}
