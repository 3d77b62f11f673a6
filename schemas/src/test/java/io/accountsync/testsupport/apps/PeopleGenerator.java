package io.accountsync.testsupport.apps;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Realistic, reproducible people for fixtures: international names (accents, CJK, Cyrillic, Greek,
 * Arabic), compound family names, long email addresses, usernames in mixed case and with
 * underscores. Seeded, so a test sees the same people every run.
 */
public final class PeopleGenerator {
    private static final String[] GIVEN = {"Tom", "Becky", "Huck", "Zoë", "José", "François", "Björn", "Ægir", "Łukasz",
            "Søren", "Иван", "Ελένη", "美咲", "Ngozi", "Siobhán", "Mårten", "Ömer", "Chloé", "Ana María", "Jürgen"};
    private static final String[] FAMILY = {"Sawyer", "Thatcher", "Finn", "O'Neil", "García Márquez", "van der Berg",
            "Müller", "Øster", "Kowalski", "Petrov", "Παπαδοπούλου", "佐藤", "Okafor", "Ní Bhriain", "d'Artagnan",
            "Smith-Jones", "Nakamura", "Núñez", "Çelik", "Dubois"};
    private static final String[] DOMAINS = {"example.org", "example.net", "mail.example.com",
            "a-very-long-subdomain-for-testing.department.university.example.edu"};

    private final Random random;
    private final Set<String> used = new LinkedHashSet<>();

    public PeopleGenerator(long seed) {
        this.random = new Random(seed);
    }

    /** {@code n} people with distinct usernames (case-insensitively distinct). */
    public List<Person> people(int n) {
        List<Person> out = new ArrayList<>(n);
        while (out.size() < n) {
            Person p = next();
            if (used.add(p.username().toLowerCase(Locale.ROOT))) {
                out.add(p);
            }
        }
        return out;
    }

    private Person next() {
        String given = GIVEN[random.nextInt(GIVEN.length)];
        String family = FAMILY[random.nextInt(FAMILY.length)];
        int n = random.nextInt(100_000);
        String base = ascii(given).toLowerCase(Locale.ROOT);
        String username = switch (random.nextInt(4)) {
            case 0 -> base + n;
            case 1 -> capitalize(base) + "_" + n;
            case 2 -> base + "." + n;
            default -> base + "-" + ascii(family).toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "") + n;
        };
        String local = random.nextInt(10) == 0
                ? (base + "." + ascii(family).toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "") + ".with.a.long.local.part." + n)
                : base + n;
        String email = local + "@" + DOMAINS[random.nextInt(DOMAINS.length)];
        return new Person(username, given, family, email);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** A login-safe ASCII form of a name (non-Latin names become "user"). */
    private static String ascii(String s) {
        String n = java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .replace("Æ", "Ae").replace("Ø", "O").replace("ø", "o").replace("Ł", "L").replace("ł", "l")
                .replaceAll("[^A-Za-z]", "");
        return n.isEmpty() ? "user" : n;
    }
}
