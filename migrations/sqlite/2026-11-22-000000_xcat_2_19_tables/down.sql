-- Generated from schema/xcat-schema.json by `cargo run -p xcat-schema --bin gen-migrations`.
-- Do not edit; a test checks this file is up to date.
-- Intentionally empty: reverting must never drop xCAT tables or data.
SELECT 1;
