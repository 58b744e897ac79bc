//! Drives the pipeline.
