-- accountsync demo: a Trac 1.6 database (schema version 45) with the AccountManager plugin, on
-- PostgreSQL, as Trac's own backend creates it (TracFixture in the schemas test-jar is the full
-- version). Only the tables that hold accounts: session and session_attribute (what the trac profile
-- reads and writes), auth_cookie and permission (what AccountManager's delete_user empties).
CREATE TABLE system (
    name text PRIMARY KEY,
    value text
);
INSERT INTO system VALUES ('database_version', '45'), ('initial_database_version', '45');
CREATE TABLE permission (
    username text,
    action text,
    CONSTRAINT permission_pk PRIMARY KEY (username, action)
);
CREATE TABLE auth_cookie (
    cookie text,
    name text,
    ipnr text,
    time int,
    CONSTRAINT auth_cookie_pk PRIMARY KEY (cookie, ipnr, name)
);
CREATE TABLE session (
    sid text,
    authenticated int,
    last_visit int,
    CONSTRAINT session_pk PRIMARY KEY (sid, authenticated)
);
CREATE INDEX session_last_visit_idx ON session (last_visit);
CREATE INDEX session_authenticated_idx ON session (authenticated);
CREATE TABLE session_attribute (
    sid text,
    authenticated int,
    name text,
    value text,
    CONSTRAINT session_attribute_pk PRIMARY KEY (sid, authenticated, name)
);
-- Not Trac's: capture needs before images to tell an edited attribute from an untouched one.
ALTER TABLE session REPLICA IDENTITY FULL;
ALTER TABLE session_attribute REPLICA IDENTITY FULL;
