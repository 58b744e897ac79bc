//! Bytes → normalised text. (Skeleton: replaced by the full decoder.)
