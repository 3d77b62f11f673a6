-- Demo environment "mysql" (MySQL 8.0, binlog ROW/FULL, GTID on): run once by the mysql image's
-- entrypoint after it created database "app" and user "accountsync" (which may use "app" only).
-- Capture reads the binlog: give the user the replication privileges too.
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'accountsync'@'%';

CREATE TABLE app.users (
    id         int AUTO_INCREMENT PRIMARY KEY,
    username   varchar(100) NOT NULL UNIQUE,
    full_name  varchar(200),
    email      varchar(255),
    updated_at timestamp(6) NOT NULL DEFAULT current_timestamp(6)
) CHARACTER SET utf8mb4;

INSERT INTO app.users (username, full_name, email) VALUES
    ('jim', 'Jim', 'jim@example.org');
