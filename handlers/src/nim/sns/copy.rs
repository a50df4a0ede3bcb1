//! `doSFScopy` (handlers.md §3.6.3): to come.
