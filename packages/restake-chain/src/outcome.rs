use base64::Engine;
use cosmrs::proto::cosmos::base::abci::v1beta1::TxMsgData;
use cosmrs::Any;
use prost::Message;

use crate::error::{Error, Result};

/// One ABCI event of a transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub kind: String,
    pub attributes: Vec<(String, String)>,
}

impl Event {
    /// The first value of attribute `key`.
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A transaction as the chain executed it.
#[derive(Clone, Debug)]
pub struct TxOutcome {
    /// Upper-case hex, as CometBFT prints it.
    pub hash: String,
    pub height: u64,
    /// 0 on success.
    pub code: u32,
    pub codespace: String,
    /// The chain's log; on failure, its error text.
    pub raw_log: String,
    pub gas_wanted: u64,
    pub gas_used: u64,
    pub events: Vec<Event>,
    /// `TxMsgData` as the RPC gave it (see [`TxOutcome::msg_responses`]).
    pub data: Vec<u8>,
}

impl TxOutcome {
    pub fn is_ok(&self) -> bool {
        self.code == 0
    }

    /// Events of one type, in order.
    pub fn events_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Event> + 'a {
        self.events.iter().filter(move |e| e.kind == kind)
    }

    /// The first value of `kind.key` among the events.
    pub fn attr(&self, kind: &str, key: &str) -> Option<&str> {
        self.events
            .iter()
            .filter(|e| e.kind == kind)
            .find_map(|e| e.attr(key))
    }

    /// Every value of `kind.key` among the events.
    pub fn attrs(&self, kind: &str, key: &str) -> Vec<&str> {
        self.events
            .iter()
            .filter(|e| e.kind == kind)
            .filter_map(|e| e.attr(key))
            .collect()
    }

    /// `kind.key`, or [`Error::MissingEvent`].
    pub fn require_attr(&self, kind: &str, key: &str) -> Result<&str> {
        self.attr(kind, key).ok_or_else(|| Error::MissingEvent {
            hash: self.hash.clone(),
            kind: kind.to_string(),
            key: key.to_string(),
        })
    }

    /// The messages' responses (`MsgExecuteContractResponse`, ...), in message order.
    pub fn msg_responses(&self) -> Result<Vec<Any>> {
        // CometBFT's JSON carries `data` as base64; tendermint-rpc 0.39 keeps that text
        let raw = match base64::engine::general_purpose::STANDARD.decode(&self.data) {
            Ok(bytes) => bytes,
            Err(_) => self.data.clone(),
        };
        let data = TxMsgData::decode(raw.as_slice()).map_err(|e| Error::decode("TxMsgData", e))?;
        Ok(data.msg_responses)
    }

    /// Success, or [`Error::TxFailed`].
    pub fn into_result(self) -> Result<TxOutcome> {
        if self.is_ok() {
            Ok(self)
        } else {
            Err(Error::TxFailed(Box::new(self)))
        }
    }
}
