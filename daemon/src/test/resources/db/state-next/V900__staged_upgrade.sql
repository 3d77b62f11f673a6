-- A stand-in for a future migration, used by StateStoreTest to exercise the upgrade path.
CREATE TABLE staged_upgrade_marker (id INT PRIMARY KEY);
