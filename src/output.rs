//! Stage 6: write files into the output folder.

/// A file of the built site: path relative to the output folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// `articles/x/index.html`, always with `/` separators.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}
