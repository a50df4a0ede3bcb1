//! Shared test harness (started servers, fixtures, PostgreSQL).
