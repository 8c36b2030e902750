//! Probes read live state and return plain data. No cucumber types here.

pub mod repo;
