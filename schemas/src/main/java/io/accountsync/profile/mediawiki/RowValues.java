package io.accountsync.profile.mediawiki;

import io.accountsync.profile.BadRowException;
import io.accountsync.profile.Values;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;

/**
 * Decodes the column values of one MediaWiki {@code user} row as capture and JDBC deliver them:
 * strings (PostgreSQL TEXT), {@code byte[]} (MariaDB/MySQL VARBINARY, TINYBLOB, BINARY), instants
 * (PostgreSQL TIMESTAMPTZ), numbers and booleans. Every error names the column and the row's key.
 */
final class RowValues {

    /** MediaWiki's {@code TS_MW} form, always UTC. */
    static final DateTimeFormatter TS_MW = DateTimeFormatter.ofPattern("uuuuMMddHHmmss")
            .withResolverStyle(ResolverStyle.STRICT);

    private RowValues() {
    }

    /** A text column: strings as they are, bytes as strict UTF-8. */
    static String text(String column, Object value, String key) throws BadRowException {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        if (value instanceof byte[] bytes) {
            return utf8(column, bytes, key);
        }
        return String.valueOf(value);
    }

    /**
     * A text column where MediaWiki's empty string means "no value" ({@code user_real_name},
     * {@code user_email}, {@code user_password} are NOT NULL DEFAULT ''): canonical null.
     */
    static String optionalText(String column, Object value, String key) throws BadRowException {
        String s = text(column, value, key);
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * A timestamp column: TIMESTAMPTZ as an instant, or MediaWiki's {@code YYYYMMDDHHMMSS} (UTC) in a
     * BINARY(14), which MySQL and MariaDB pad with NUL bytes when the value is shorter: the padding is
     * stripped, and nothing left (NULL, {@code ''}) means no time.
     *
     * @throws BadRowException for bytes that are not UTF-8 or text that is not a {@code TS_MW} time
     */
    static Instant timestamp(String column, Object value, String key) throws BadRowException {
        if (value == null) {
            return null;
        }
        if (!(value instanceof byte[]) && !(value instanceof String)) {
            return Values.instant(value).orElseThrow(() -> new BadRowException("column " + column
                    + " holds a " + value.getClass().getSimpleName() + ", not a point in time (user_id " + key + ")"));
        }
        String s = stripNulPadding(value instanceof byte[] b ? utf8(column, b, key) : (String) value);
        if (s.isEmpty()) {
            return null;
        }
        try {
            return LocalDateTime.parse(s, TS_MW).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new BadRowException("column " + column + " holds '" + printable(s)
                    + "', not a MediaWiki timestamp YYYYMMDDHHMMSS (user_id " + key + ")");
        }
    }

    /** A flag column (TINYINT(1)/SMALLINT): true for true or a non-zero number. */
    static boolean flag(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.longValue() != 0;
        }
        if (value instanceof String s) {
            return !s.isEmpty() && !s.equals("0");
        }
        return false;
    }

    /** The value with the trailing NUL bytes of a fixed-width BINARY column removed. */
    static String stripNulPadding(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '\0') {
            end--;
        }
        return s.substring(0, end);
    }

    private static String utf8(String column, byte[] bytes, String key) throws BadRowException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new BadRowException("column " + column + " holds bytes that are not valid UTF-8 (user_id " + key + ")");
        }
    }

    /** A malformed timestamp for a message: control characters (NULs) shown as \\uXXXX. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : (s.length() > 40 ? s.substring(0, 40) + "..." : s).toCharArray()) {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
