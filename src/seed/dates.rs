//! Date recognition. (Skeleton: replaced by the full date parser.)
