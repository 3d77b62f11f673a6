package io.accountsync.connect;

import io.accountsync.model.Dialect;
import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** Classifies database errors once, per dialect, by SQLState and vendor code. */
public final class SqlErrors {
    private SqlErrors() {
    }

    public static ErrorClass classify(Throwable error, Dialect dialect) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                ErrorClass c = classify(sql, dialect);
                if (c != null) {
                    return c;
                }
            }
            if (t instanceof ConnectException || t instanceof SocketException
                    || t instanceof java.io.EOFException || t instanceof java.net.SocketTimeoutException) {
                return ErrorClass.RETRIABLE;
            }
        }
        return ErrorClass.RETRIABLE;
    }

    /**
     * Whether the error is a row lock held by someone else (a lock wait timeout or a deadlock): retriable,
     * and about those rows only, so other rows can still be written meanwhile.
     */
    public static boolean isRowBusy(Throwable error, Dialect dialect) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                if (dialect.isMysqlFamily() && (sql.getErrorCode() == 1205 || sql.getErrorCode() == 1213)) {
                    return true;
                }
                // 55P03 lock_not_available (lock_timeout), 40P01 deadlock_detected
                if ("55P03".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static ErrorClass classify(SQLException e, Dialect dialect) {
        String state = e.getSQLState();
        int code = e.getErrorCode();
        if (dialect.isMysqlFamily()) {
            switch (code) {
                case 1205, 1213, 1040, 1053, 2002, 2003, 2006, 2013, 1927 -> { return ErrorClass.RETRIABLE; }
                case 1045, 1044, 1142, 1143, 1146, 1054, 1227, 1049 -> { return ErrorClass.PERMANENT_ENVIRONMENT; }
                case 1406, 1366, 1062, 1048, 1264, 1292, 1300 -> { return ErrorClass.PERMANENT_VALUE; }
                default -> { }
            }
        }
        if (state != null && state.length() >= 2) {
            String cls = state.substring(0, 2);
            switch (cls) {
                case "08", "40", "53", "57", "55", "58" -> { return ErrorClass.RETRIABLE; }
                case "28", "42", "3D", "3F", "0A" -> { return ErrorClass.PERMANENT_ENVIRONMENT; }
                case "22", "23" -> { return ErrorClass.PERMANENT_VALUE; }
                case "HY" -> { }
                default -> { }
            }
        }
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return ErrorClass.RETRIABLE;
        }
        return null;
    }
}
