//! Snapshot ingest.
