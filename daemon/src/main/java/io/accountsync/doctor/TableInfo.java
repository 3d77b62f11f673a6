package io.accountsync.doctor;

import java.util.List;

/**
 * What the catalog says about one existing table, from the checking user's point of view.
 *
 * @param ref              the table
 * @param columns          its column names, in table order
 * @param canSelect        the user may SELECT from it
 * @param canInsert        the user may INSERT into it
 * @param canUpdate        the user may UPDATE it
 * @param owned            the user owns it (PostgreSQL: needed to put it in a publication); false on MariaDB/MySQL
 * @param replicaIdentity  PostgreSQL {@code relreplident}: {@code f} full, {@code d} default, {@code i} index,
 *                         {@code n} nothing; null on MariaDB/MySQL
 * @param sequencesWithoutUsage PostgreSQL: serial sequences of its columns the user may not use (an INSERT
 *                         that takes a default from one fails); empty on MariaDB/MySQL
 */
public record TableInfo(
        TableRef ref,
        List<String> columns,
        boolean canSelect,
        boolean canInsert,
        boolean canUpdate,
        boolean owned,
        Character replicaIdentity,
        List<String> sequencesWithoutUsage) {

    public TableInfo {
        columns = List.copyOf(columns);
        sequencesWithoutUsage = sequencesWithoutUsage == null ? List.of() : List.copyOf(sequencesWithoutUsage);
    }
}
