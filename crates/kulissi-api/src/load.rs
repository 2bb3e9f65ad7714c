//! The HTTP load benchmark (to be written).
