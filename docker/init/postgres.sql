-- Demo environment "pg" (PostgreSQL 15, wal_level=logical): run once by the postgres image's
-- entrypoint, in database "app", as the superuser "accountsync" (which may replicate and create
-- the publication). In production, use a LOGIN REPLICATION role with only the grants the README lists.
CREATE TABLE users (
    id         serial PRIMARY KEY,
    username   varchar(100) NOT NULL UNIQUE,
    full_name  varchar(200),
    email      varchar(255),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- accountsync compares before and after images to tell an edit from an untouched field.
ALTER TABLE users REPLICA IDENTITY FULL;

INSERT INTO users (username, full_name, email, updated_at) VALUES
    ('tom',   'Tom Sawyer',     'tom@example.org',   now() - interval '2 days'),
    ('becky', 'Becky Thatcher', 'becky@example.org', now());
