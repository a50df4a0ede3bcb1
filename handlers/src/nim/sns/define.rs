//! `defSNres` (handlers.md §3.6.4): to come.
