-- accountsync demo: a Moodle 4.4 site's user table on PostgreSQL as its XMLDB installer creates it
-- (install.xml; MoodleFixture in the schemas test-jar is the full version, with the tables
-- delete_user() empties, which the demo never needs). Prefix mdl_, schema public.
CREATE TABLE mdl_user (
    id BIGSERIAL PRIMARY KEY,
    auth VARCHAR(20) NOT NULL DEFAULT 'manual',
    confirmed SMALLINT NOT NULL DEFAULT 0,
    policyagreed SMALLINT NOT NULL DEFAULT 0,
    deleted SMALLINT NOT NULL DEFAULT 0,
    suspended SMALLINT NOT NULL DEFAULT 0,
    mnethostid BIGINT NOT NULL DEFAULT 0,
    username VARCHAR(100) NOT NULL DEFAULT '',
    password VARCHAR(255) NOT NULL DEFAULT '',
    idnumber VARCHAR(255) NOT NULL DEFAULT '',
    firstname VARCHAR(100) NOT NULL DEFAULT '',
    lastname VARCHAR(100) NOT NULL DEFAULT '',
    email VARCHAR(100) NOT NULL DEFAULT '',
    emailstop SMALLINT NOT NULL DEFAULT 0,
    phone1 VARCHAR(20) NOT NULL DEFAULT '',
    phone2 VARCHAR(20) NOT NULL DEFAULT '',
    institution VARCHAR(255) NOT NULL DEFAULT '',
    department VARCHAR(255) NOT NULL DEFAULT '',
    address VARCHAR(255) NOT NULL DEFAULT '',
    city VARCHAR(120) NOT NULL DEFAULT '',
    country VARCHAR(2) NOT NULL DEFAULT '',
    lang VARCHAR(30) NOT NULL DEFAULT 'en',
    calendartype VARCHAR(30) NOT NULL DEFAULT 'gregorian',
    theme VARCHAR(50) NOT NULL DEFAULT '',
    timezone VARCHAR(100) NOT NULL DEFAULT '99',
    firstaccess BIGINT NOT NULL DEFAULT 0,
    lastaccess BIGINT NOT NULL DEFAULT 0,
    lastlogin BIGINT NOT NULL DEFAULT 0,
    currentlogin BIGINT NOT NULL DEFAULT 0,
    lastip VARCHAR(45) NOT NULL DEFAULT '',
    secret VARCHAR(15) NOT NULL DEFAULT '',
    picture BIGINT NOT NULL DEFAULT 0,
    description TEXT,
    descriptionformat SMALLINT NOT NULL DEFAULT 1,
    mailformat SMALLINT NOT NULL DEFAULT 1,
    maildigest SMALLINT NOT NULL DEFAULT 0,
    maildisplay SMALLINT NOT NULL DEFAULT 2,
    autosubscribe SMALLINT NOT NULL DEFAULT 1,
    trackforums SMALLINT NOT NULL DEFAULT 0,
    timecreated BIGINT NOT NULL DEFAULT 0,
    timemodified BIGINT NOT NULL DEFAULT 0,
    trustbitmask BIGINT NOT NULL DEFAULT 0,
    imagealt VARCHAR(255),
    lastnamephonetic VARCHAR(255),
    firstnamephonetic VARCHAR(255),
    middlename VARCHAR(255),
    alternatename VARCHAR(255),
    moodlenetprofile VARCHAR(255)
);
CREATE UNIQUE INDEX mdl_user_mneuse_uix ON mdl_user (mnethostid, username);
CREATE INDEX mdl_user_del_ix ON mdl_user (deleted);
CREATE INDEX mdl_user_ema_ix ON mdl_user (email);
-- Not Moodle's: capture needs before images to tell an edited column from an untouched one.
ALTER TABLE mdl_user REPLICA IDENTITY FULL;
