use crate::outcome::TxOutcome;

/// Everything that can go wrong talking to a chain.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A mnemonic, derivation path or key that cannot be used.
    #[error("key: {0}")]
    Key(String),
    /// A value the caller passed that cannot be encoded (address, denom, URL, ...).
    #[error("invalid {what}: {reason}")]
    Invalid { what: String, reason: String },
    /// The RPC endpoint could not be reached or answered garbage.
    #[error("RPC {call}: {reason}")]
    Rpc { call: String, reason: String },
    /// An ABCI query answered with a non-zero code (the chain's refusal).
    #[error("query {path} refused (code {code}, codespace {codespace:?}): {log}")]
    Query {
        path: String,
        code: u32,
        codespace: String,
        log: String,
    },
    /// A protobuf or JSON answer that does not decode.
    #[error("cannot decode {what}: {reason}")]
    Decode { what: String, reason: String },
    /// Simulating the transaction failed: the chain would refuse it (nothing was sent).
    #[error("simulation refused the transaction: {0}")]
    Simulation(String),
    /// CheckTx refused the transaction: it never entered the mempool.
    #[error("transaction refused by CheckTx (code {code}, codespace {codespace:?}): {log}")]
    CheckTx {
        code: u32,
        codespace: String,
        log: String,
    },
    /// The transaction landed in a block and failed there (fees were paid).
    #[error(
        "transaction {} failed in block {} (code {}, codespace {:?}, gas_used {}): {}",
        .0.hash, .0.height, .0.code, .0.codespace, .0.gas_used, .0.raw_log
    )]
    TxFailed(Box<TxOutcome>),
    /// Something did not happen in time (a transaction's inclusion, a block height, ...).
    #[error("timed out after {seconds} s waiting for {what}")]
    Timeout { what: String, seconds: u64 },
    /// A successful transaction lacks the event attribute the caller needs.
    #[error("transaction {hash} has no event attribute {kind}.{key}")]
    MissingEvent {
        hash: String,
        kind: String,
        key: String,
    },
    /// A smart query's answer or message that is not JSON.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl Error {
    /// The chain's code of a failed transaction, CheckTx refusal or query.
    pub fn code(&self) -> Option<u32> {
        match self {
            Error::TxFailed(o) => Some(o.code),
            Error::CheckTx { code, .. } | Error::Query { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The chain's codespace of a failed transaction, CheckTx refusal or query.
    pub fn codespace(&self) -> Option<&str> {
        match self {
            Error::TxFailed(o) => Some(&o.codespace),
            Error::CheckTx { codespace, .. } | Error::Query { codespace, .. } => Some(codespace),
            _ => None,
        }
    }

    /// The chain's log (error text) of a failed transaction, CheckTx refusal, simulation or
    /// query.
    pub fn log(&self) -> Option<&str> {
        match self {
            Error::TxFailed(o) => Some(&o.raw_log),
            Error::CheckTx { log, .. } | Error::Query { log, .. } => Some(log),
            Error::Simulation(log) => Some(log),
            _ => None,
        }
    }

    pub(crate) fn rpc(call: &str, e: impl std::fmt::Display) -> Self {
        Error::Rpc {
            call: call.to_string(),
            reason: e.to_string(),
        }
    }

    pub(crate) fn decode(what: &str, e: impl std::fmt::Display) -> Self {
        Error::Decode {
            what: what.to_string(),
            reason: e.to_string(),
        }
    }

    pub(crate) fn invalid(what: &str, e: impl std::fmt::Display) -> Self {
        Error::Invalid {
            what: what.to_string(),
            reason: e.to_string(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
