package io.accountsync.profile;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/** Conversions between captured column values and canonical (string) field values. */
public final class Values {
    private Values() {
    }

    /**
     * The canonical text of a captured value: strings as they are, binary as strict UTF-8, numbers and
     * booleans as their decimal/literal text, timestamps as ISO-8601 instants.
     *
     * @throws BadRowException when binary content is not valid UTF-8
     */
    public static String text(String column, Object value) throws BadRowException {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof byte[] bytes) {
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new BadRowException("column " + column + " holds bytes that are not valid UTF-8");
            }
        }
        return String.valueOf(value);
    }

    /**
     * A verification flag as canonical text: "true" for true, a non-zero number, a non-empty string
     * other than "0"/"false", or any point in time; "false" otherwise (NULL included).
     */
    public static String flag(Object value) {
        if (value == null) {
            return "false";
        }
        if (value instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (value instanceof Number n) {
            return n.longValue() != 0 ? "true" : "false";
        }
        if (value instanceof String s) {
            return s.isEmpty() || s.equals("0") || s.equalsIgnoreCase("false") ? "false" : "true";
        }
        return "true";
    }

    /** A value as read by JDBC/jOOQ, in the same Java types the capture stage produces. */
    public static Object fromJdbc(Object value) {
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof java.time.LocalDateTime l) {
            return l.atZone(java.time.ZoneId.systemDefault()).toInstant();
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (value instanceof org.jooq.types.UNumber u) {
            return u.toBigInteger().longValue();
        }
        return value;
    }

    /** The instant a captured timestamp value denotes, when it is one. */
    public static Optional<Instant> instant(Object value) {
        if (value instanceof Instant i) {
            return Optional.of(i);
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return Optional.of(o.toInstant());
        }
        if (value instanceof java.time.LocalDateTime l) {
            return Optional.of(l.toInstant(java.time.ZoneOffset.UTC));
        }
        if (value instanceof Number n) {
            // Unix seconds, as Moodle and Trac keep them.
            return Optional.of(Instant.ofEpochSecond(n.longValue()));
        }
        if (value instanceof String s) {
            try {
                return Optional.of(Instant.parse(s));
            } catch (java.time.format.DateTimeParseException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Why {@code value} cannot be stored under {@code limit}, or empty. Never quotes the value. */
    public static Optional<String> rejects(String field, String column, String value, ColumnLimits.Limit limit) {
        if (value == null) {
            return Optional.empty();
        }
        int chars = value.codePointCount(0, value.length());
        if (limit.maxChars().isPresent() && chars > limit.maxChars().getAsInt()) {
            return Optional.of(field + ": " + chars + " characters do not fit column " + column
                    + " (at most " + limit.maxChars().getAsInt() + ")");
        }
        if (!limit.fourByteUtf8() && value.codePoints().anyMatch(cp -> cp > 0xFFFF)) {
            return Optional.of(field + ": column " + column
                    + " cannot store characters outside the Basic Multilingual Plane (utf8mb3)");
        }
        return Optional.empty();
    }
}
