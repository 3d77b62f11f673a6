-- accountsync state store, version 3. Portable between H2 2.x and PostgreSQL.

-- Before quarantining a value a target refused, the writers ask whether the same account's same fields are
-- already quarantined for that environment (a create refused a value, then the repair after its echo is
-- refused the same way). Without an index each question read the whole quarantine: with 50,000 entries,
-- 43 ms and 50,001 rows read per question, so a flood of refused values slowed with the square of its size.
CREATE INDEX quarantine_account_idx ON quarantine (global_id, env, stage);
