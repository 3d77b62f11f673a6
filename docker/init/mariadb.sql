-- Demo environment "maria" (MariaDB 10.11, binlog ROW/FULL): run once by the mariadb image's
-- entrypoint after it created database "app" and user "accountsync" (which may use "app" only).
-- Capture reads the binlog: give the user the replication privileges too.
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'accountsync'@'%';

CREATE TABLE app.users (
    id         int AUTO_INCREMENT PRIMARY KEY,
    username   varchar(100) NOT NULL UNIQUE,
    full_name  varchar(200),
    email      varchar(255),
    updated_at timestamp(6) NOT NULL DEFAULT current_timestamp(6)
) CHARACTER SET utf8mb4;

INSERT INTO app.users (username, full_name, email, updated_at) VALUES
    ('tom', 'Tommy', 'tom@example.org', now(6) - INTERVAL 1 DAY),
    ('huck', 'Huckleberry Finn', 'huck@example.org', now(6));
