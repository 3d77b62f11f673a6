package io.accountsync.doctor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Which database protocol a port speaks, told without logging in: a MariaDB/MySQL server greets a
 * new connection at once (a handshake packet: protocol 10 and the server's version); a PostgreSQL
 * server says nothing until the client speaks, and answers an SSLRequest with one byte, {@code S} or
 * {@code N}. Used when a connection in the configured dialect fails, to tell "wrong dialect for this
 * port" from a server that is down: a MariaDB driver on a PostgreSQL port otherwise waits for a
 * greeting until its socket timeout, and a PostgreSQL driver on a MariaDB port reports an SSL error.
 */
final class ServerProbe {

    /** What answered. */
    enum Kind { MYSQL_FAMILY, POSTGRESQL, UNKNOWN }

    /** @param version the server's version string from a MariaDB/MySQL greeting, else null */
    record Result(Kind kind, String version) {
        String describe() {
            return switch (kind) {
                case MYSQL_FAMILY -> (version != null && version.toLowerCase(java.util.Locale.ROOT).contains("mariadb")
                        ? "a MariaDB server" : "a MySQL server") + (version == null ? "" : " (" + version + ")");
                case POSTGRESQL -> "a PostgreSQL server";
                case UNKNOWN -> "an unknown service";
            };
        }
    }

    private static final int SSL_REQUEST_CODE = 80877103;

    private ServerProbe() {
    }

    /**
     * Connects to {@code host:port} and tells what speaks there; UNKNOWN when nothing listens or the
     * answer is neither protocol. Never sends credentials.
     */
    static Result probe(String host, int port, int timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            s.setSoTimeout(Math.min(timeoutMs, 700));
            InputStream in = s.getInputStream();
            byte[] head = new byte[5];
            int n = 0;
            try {
                n = readAtLeast(in, head, 5);
            } catch (SocketTimeoutException quiet) {
                // silent: the PostgreSQL side of the question below
            }
            if (n >= 5) {
                return greeting(head, in);
            }
            if (n > 0) {
                return new Result(Kind.UNKNOWN, null);
            }
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {0, 0, 0, 8, (byte) (SSL_REQUEST_CODE >>> 24), (byte) (SSL_REQUEST_CODE >>> 16),
                    (byte) (SSL_REQUEST_CODE >>> 8), (byte) SSL_REQUEST_CODE});
            out.flush();
            s.setSoTimeout(timeoutMs);
            int answer = in.read();
            return answer == 'S' || answer == 'N' ? new Result(Kind.POSTGRESQL, null) : new Result(Kind.UNKNOWN, null);
        } catch (IOException | RuntimeException e) {
            return new Result(Kind.UNKNOWN, null);
        }
    }

    /** A MariaDB/MySQL initial packet: 3-byte length, sequence 0, then protocol 10 and a NUL-terminated version (or an error packet, 0xFF). */
    private static Result greeting(byte[] head, InputStream in) throws IOException {
        if (head[3] != 0) {
            return new Result(Kind.UNKNOWN, null);
        }
        if ((head[4] & 0xFF) == 0xFF) {
            return new Result(Kind.MYSQL_FAMILY, null);   // e.g. "Host ... is blocked": still the MySQL protocol
        }
        if (head[4] != 10) {
            return new Result(Kind.UNKNOWN, null);
        }
        ByteArrayOutputStream version = new ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
            int b = in.read();
            if (b <= 0) {
                break;
            }
            version.write(b);
        }
        String v = version.toString(StandardCharsets.ISO_8859_1);
        // MariaDB prefixes its version with "5.5.5-" for old MySQL clients.
        return new Result(Kind.MYSQL_FAMILY, v.startsWith("5.5.5-") ? v.substring("5.5.5-".length()) : v);
    }

    private static int readAtLeast(InputStream in, byte[] buf, int want) throws IOException {
        int n = 0;
        while (n < want) {
            int r = in.read(buf, n, want - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }
}
