package io.accountsync.bench;

import io.accountsync.connect.ConnectionSettings;
import io.accountsync.connect.Secret;
import io.accountsync.model.Dialect;
import io.accountsync.testsupport.DbInstance;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * One fresh database on a private instance holding the generic {@code users} table the bench works on:
 * {@code id, username (unique), full_name, email, updated_at}. Bulk loading (COPY on PostgreSQL, multi-row
 * INSERTs on MariaDB), an order-independent digest of the synced columns, and drop.
 */
final class UsersDb implements AutoCloseable {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
            .withZone(ZoneOffset.UTC);
    private static final int INSERT_ROWS = 2000;

    /** One users row; {@code updatedAt} may be null. */
    record Row(String username, String fullName, String email, Instant updatedAt) {
    }

    private final DbInstance instance;
    private final String database;
    private boolean dropped;

    private UsersDb(DbInstance instance, String database) {
        this.instance = instance;
        this.database = database;
    }

    /** Creates a fresh database named after {@code prefix} with an empty users table. */
    static UsersDb create(DbInstance instance, String prefix) throws SQLException {
        UsersDb db = new UsersDb(instance, instance.createDatabase(prefix));
        try {
            db.createTable();
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /** A fresh database without tables (for the application fixtures). */
    static UsersDb empty(DbInstance instance, String prefix) {
        return new UsersDb(instance, instance.createDatabase(prefix));
    }

    DbInstance instance() {
        return instance;
    }

    String database() {
        return database;
    }

    Dialect dialect() {
        return instance.dialect();
    }

    boolean postgres() {
        return dialect() == Dialect.POSTGRESQL;
    }

    /** The captured table as Debezium names it. */
    String capturedTable() {
        return (postgres() ? "public" : database) + ".users";
    }

    ConnectionSettings settings() {
        return new ConnectionSettings(dialect(), instance.host(), instance.port(), database, instance.user(),
                Secret.of(instance.password()));
    }

    /** A new connection (auto-commit on), session time zone UTC; the caller closes it. */
    Connection connect() throws SQLException {
        Connection c = instance.connect(database);
        try (Statement st = c.createStatement()) {
            st.execute(postgres() ? "set time zone 'UTC'" : "set time_zone = '+00:00'");
        }
        return c;
    }

    void createTable() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("drop table if exists users");
            if (postgres()) {
                st.execute("create table users (id serial primary key, username varchar(100) not null unique, "
                        + "full_name varchar(200), email varchar(255), updated_at timestamptz null)");
                st.execute("alter table users replica identity full");
            } else {
                st.execute("create table users (id int auto_increment primary key, "
                        + "username varchar(100) not null unique, full_name varchar(200), email varchar(255), "
                        + "updated_at timestamp(6) null default null) character set utf8mb4");
            }
        }
    }

    /** Loads rows in the given order (ids follow it); returns the number loaded. */
    long load(Iterator<Row> rows) throws SQLException {
        try (Connection c = connect()) {
            return postgres() ? copy(c, rows) : insert(c, rows);
        }
    }

    private static long copy(Connection c, Iterator<Row> rows) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY users (username, full_name, email, updated_at) FROM STDIN WITH (FORMAT csv)");
        long n = 0;
        try {
            StringBuilder b = new StringBuilder(1 << 20);
            while (rows.hasNext()) {
                Row r = rows.next();
                b.append(csv(r.username())).append(',').append(csv(r.fullName())).append(',').append(csv(r.email()))
                        .append(',').append(r.updatedAt() == null ? "" : TS.format(r.updatedAt()) + "+00").append('\n');
                n++;
                if (b.length() > (1 << 20) - 1024) {
                    byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
                    in.writeToCopy(bytes, 0, bytes.length);
                    b.setLength(0);
                }
            }
            byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
            in.writeToCopy(bytes, 0, bytes.length);
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
        return n;
    }

    private static long insert(Connection c, Iterator<Row> rows) throws SQLException {
        long n = 0;
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            StringBuilder b = new StringBuilder(1 << 18);
            int inStatement = 0;
            while (rows.hasNext()) {
                Row r = rows.next();
                b.append(inStatement == 0 ? "insert into users (username, full_name, email, updated_at) values " : ", ");
                b.append('(').append(literal(r.username())).append(',').append(literal(r.fullName())).append(',')
                        .append(literal(r.email())).append(',')
                        .append(r.updatedAt() == null ? "null" : "'" + TS.format(r.updatedAt()) + "'").append(')');
                n++;
                if (++inStatement == INSERT_ROWS) {
                    st.executeUpdate(b.toString());
                    b.setLength(0);
                    inStatement = 0;
                    if (n % 50_000 == 0) {
                        c.commit();
                    }
                }
            }
            if (inStatement > 0) {
                st.executeUpdate(b.toString());
            }
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
        return n;
    }

    private static String csv(String v) {
        return v == null ? "" : '"' + v.replace("\"", "\"\"") + '"';
    }

    /** A MariaDB string literal (backslash escapes on, the server's default). */
    static String literal(String v) {
        if (v == null) {
            return "null";
        }
        return "'" + v.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    long count() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from users")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Rows whose full_name starts with {@code prefix} (a plain prefix: letters, digits, '-'). */
    long countNamePrefix(Connection c, String prefix) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select count(*) from users where full_name like ?")) {
            ps.setString(1, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** An order-independent digest of (username, full_name, email) over every row, and the row count. */
    Digest digest() throws SQLException {
        try (Connection c = connect()) {
            c.setAutoCommit(false);   // PostgreSQL streams with a fetch size only inside a transaction
            try (Statement st = c.createStatement()) {
                st.setFetchSize(10_000);
                long sum = 0;
                long xor = 0;
                long n = 0;
                try (ResultSet rs = st.executeQuery("select username, full_name, email from users")) {
                    while (rs.next()) {
                        long h = Digest.hash(rs.getString(1), rs.getString(2), rs.getString(3));
                        sum += h;
                        xor ^= Long.rotateLeft(h, 17);
                        n++;
                    }
                }
                c.commit();
                return new Digest(n, sum, xor);
            }
        }
    }

    /** Count and two order-independent 64-bit sums over the rows' hashes. */
    record Digest(long rows, long sum, long xor) {
        static long hash(String... values) {
            long h = 0xcbf29ce484222325L;
            for (String v : values) {
                if (v == null) {
                    h = (h ^ 0xff) * 0x100000001b3L;
                    continue;
                }
                for (int i = 0; i < v.length(); i++) {
                    h = (h ^ v.charAt(i)) * 0x100000001b3L;
                }
                h = (h ^ 0xfe) * 0x100000001b3L;
            }
            return DataSet.mix(h);
        }
    }

    @Override
    public void close() {
        if (!dropped) {
            dropped = true;
            try {
                instance.dropDatabase(database);
            } catch (RuntimeException e) {
                Log.info("could not drop " + database + " on " + instance.describe() + ": " + e.getMessage());
            }
        }
    }
}
