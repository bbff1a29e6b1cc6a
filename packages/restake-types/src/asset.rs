//! Reward assets: native denoms and cw20 tokens.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::Addr;

/// A reward asset. Serialised compactly because it sits inside hot storage records.
#[cw_serde]
#[derive(Eq, PartialOrd, Ord, Hash)]
pub enum Asset {
    #[serde(rename = "n")]
    Native(String),
    #[serde(rename = "c")]
    Cw20(Addr),
}

impl Asset {
    pub fn native(denom: impl Into<String>) -> Self {
        Asset::Native(denom.into())
    }
}

impl std::fmt::Display for Asset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Asset::Native(d) => f.write_str(d),
            Asset::Cw20(a) => write!(f, "cw20:{a}"),
        }
    }
}

/// Checks a native denom the way the Cosmos SDK does (`[a-zA-Z][a-zA-Z0-9/:._-]{2,127}`).
pub fn is_valid_denom(denom: &str) -> bool {
    let bytes = denom.as_bytes();
    if bytes.len() < 3 || bytes.len() > 128 || !bytes[0].is_ascii_alphabetic() {
        return false;
    }
    bytes[1..]
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b':' | b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denoms() {
        assert!(is_valid_denom("uatom"));
        assert!(is_valid_denom(
            "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2"
        ));
        assert!(is_valid_denom("factory/osmo1abc/token.x-1"));
        assert!(!is_valid_denom("ua"));
        assert!(!is_valid_denom("1atom"));
        assert!(!is_valid_denom("u atom"));
        assert!(!is_valid_denom(""));
    }
}
