//! Stage 4: render the site model into files with tera.
