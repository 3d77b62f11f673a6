-- accountsync demo: MediaWiki's account tables on PostgreSQL as its installer creates them
-- (sql/postgres/tables-generated.sql; MediaWikiFixture in the schemas test-jar is the full
-- version): schema "mediawiki" on the database's search_path, "user" and its actor rows, which is
-- what the mediawiki profile reads and writes.
CREATE SCHEMA mediawiki;
ALTER DATABASE mediawiki SET search_path = mediawiki, public;
SET search_path = mediawiki, public;
CREATE TABLE "user" (
    user_id SERIAL NOT NULL,
    user_name TEXT DEFAULT '' NOT NULL,
    user_real_name TEXT DEFAULT '' NOT NULL,
    user_password TEXT NOT NULL,
    user_newpassword TEXT NOT NULL,
    user_newpass_time TIMESTAMPTZ DEFAULT NULL,
    user_email TEXT NOT NULL,
    user_touched TIMESTAMPTZ NOT NULL,
    user_token TEXT DEFAULT '' NOT NULL,
    user_email_authenticated TIMESTAMPTZ DEFAULT NULL,
    user_email_token TEXT DEFAULT NULL,
    user_email_token_expires TIMESTAMPTZ DEFAULT NULL,
    user_registration TIMESTAMPTZ DEFAULT NULL,
    user_editcount INT DEFAULT NULL,
    user_password_expires TIMESTAMPTZ DEFAULT NULL,
    user_is_temp SMALLINT DEFAULT 0 NOT NULL,
    PRIMARY KEY (user_id)
);
CREATE UNIQUE INDEX user_name ON "user" (user_name);
CREATE INDEX user_email_token ON "user" (user_email_token);
CREATE INDEX user_email ON "user" (user_email);
CREATE TABLE actor (
    actor_id BIGSERIAL NOT NULL,
    actor_user INT DEFAULT NULL,
    actor_name TEXT NOT NULL,
    PRIMARY KEY (actor_id)
);
CREATE UNIQUE INDEX actor_user ON actor (actor_user);
CREATE UNIQUE INDEX actor_name ON actor (actor_name);
-- Not MediaWiki's: capture needs before images to tell an edited column from an untouched one.
ALTER TABLE "user" REPLICA IDENTITY FULL;
