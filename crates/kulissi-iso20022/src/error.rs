//! The one error type of the readers.

/// Why a message is refused: always with the file it came from and, where the message is
/// well formed, the path of the element at fault (`/Document/SctiesSttlmTxStsAdvc/TxId`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Iso20022Error {
    /// Not well-formed XML (or nested deeper than any settlement message).
    #[error("{file}: not well-formed XML at byte {position}: {message}")]
    Xml {
        /// The file.
        file: String,
        /// The byte offset where the reader stopped.
        position: u64,
        /// What the XML reader said.
        message: String,
    },
    /// The document is another message than the reader reads.
    #[error("{file}: unexpected message type {found}, expected {expected}")]
    MessageType {
        /// The file.
        file: String,
        /// The namespace and message element expected.
        expected: String,
        /// The namespace and message element found.
        found: String,
    },
    /// A required element (or attribute) is missing.
    #[error("{file}: {path}: missing")]
    Missing {
        /// The file.
        file: String,
        /// The path of the missing element (`/Document/.../Name`, `@Ccy` for an attribute).
        path: String,
    },
    /// An element is there but its content is not what the standard allows.
    #[error("{file}: {path}: {problem}")]
    Invalid {
        /// The file.
        file: String,
        /// The path of the element.
        path: String,
        /// What is wrong, with the value found.
        problem: String,
    },
}
