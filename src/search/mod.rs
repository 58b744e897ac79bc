//! Stage 5: the client-side search index.
