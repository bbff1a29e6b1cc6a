//! Plain values the client returns: amounts as integers, decimals as the chain's strings.

use cosmrs::proto::cosmos::base::v1beta1::Coin as ProtoCoin;

use crate::error::{Error, Result};

/// An amount of one denom.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Coin {
    pub denom: String,
    pub amount: u128,
}

impl Coin {
    pub fn new(amount: u128, denom: impl Into<String>) -> Self {
        Coin {
            denom: denom.into(),
            amount,
        }
    }

    pub fn to_proto(&self) -> ProtoCoin {
        ProtoCoin {
            denom: self.denom.clone(),
            amount: self.amount.to_string(),
        }
    }

    pub fn from_proto(c: &ProtoCoin) -> Result<Self> {
        Ok(Coin {
            denom: c.denom.clone(),
            amount: parse_int(&c.amount, "coin amount")?,
        })
    }
}

impl std::fmt::Display for Coin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.amount, self.denom)
    }
}

/// A decimal amount (`DecCoin`), kept in the chain's 18-decimal fixed point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecCoin {
    pub denom: String,
    /// amount × 10^18
    pub atto: u128,
}

impl DecCoin {
    /// The whole units (what a withdrawal pays).
    pub fn truncated(&self) -> u128 {
        self.atto / DEC_ONE
    }
}

pub(crate) const DEC_ONE: u128 = 1_000_000_000_000_000_000;

pub(crate) fn parse_int(s: &str, what: &str) -> Result<u128> {
    if s.is_empty() {
        return Ok(0);
    }
    s.parse::<u128>()
        .map_err(|e| Error::decode(what, format!("{s:?}: {e}")))
}

/// `LegacyDec` as protobuf carries it: the integer amount × 10^18, without a point.
pub(crate) fn parse_legacy_dec(s: &str, what: &str) -> Result<u128> {
    parse_int(s, what)
}

/// Formats amount × 10^18 as a decimal string ("0.500000000000000000").
pub fn format_atto(atto: u128) -> String {
    format!("{}.{:018}", atto / DEC_ONE, atto % DEC_ONE)
}

/// A delegation: shares (× 10^18) and their value in tokens after any slashing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delegation {
    pub shares_atto: u128,
    pub balance: u128,
}

/// A validator as the staking module shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatorInfo {
    pub operator_address: String,
    pub moniker: String,
    /// `BOND_STATUS_BONDED` = 3, `UNBONDING` = 2, `UNBONDED` = 1.
    pub status: i32,
    pub jailed: bool,
    pub tokens: u128,
    /// × 10^18
    pub delegator_shares_atto: u128,
    pub unbonding_height: i64,
}

impl ValidatorInfo {
    pub fn is_bonded(&self) -> bool {
        self.status == 3
    }

    /// The status as the SDK names it.
    pub fn status_name(&self) -> &'static str {
        match self.status {
            1 => "BOND_STATUS_UNBONDED",
            2 => "BOND_STATUS_UNBONDING",
            3 => "BOND_STATUS_BONDED",
            _ => "BOND_STATUS_UNSPECIFIED",
        }
    }
}

/// One unbonding entry of (delegator, validator).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnbondingEntry {
    pub creation_height: i64,
    /// Unix seconds.
    pub completion_time: i64,
    pub initial_balance: u128,
    /// What the entry will pay (less than `initial_balance` after a slash).
    pub balance: u128,
}

/// The staking module's parameters that clients need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StakingParams {
    pub bond_denom: String,
    pub unbonding_seconds: i64,
    pub max_entries: u32,
    pub max_validators: u32,
}

/// A block height and its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockInfo {
    pub height: u64,
    /// Unix seconds of the block time.
    pub time: i64,
    /// Nanoseconds within that second.
    pub time_nanos: u32,
}

/// A validator's signing record (x/slashing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningInfo {
    pub address: String,
    pub start_height: i64,
    pub index_offset: i64,
    /// Unix seconds.
    pub jailed_until: i64,
    pub tombstoned: bool,
    pub missed_blocks_counter: i64,
}

/// Gov v1 vote options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteOption {
    Yes = 1,
    Abstain = 2,
    No = 3,
    NoWithVeto = 4,
}

/// A gov v1 tally.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub yes: u128,
    pub abstain: u128,
    pub no: u128,
    pub no_with_veto: u128,
}

/// A gov v1 proposal's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposalInfo {
    pub id: u64,
    /// `PROPOSAL_STATUS_VOTING_PERIOD` = 2, `PASSED` = 3, `REJECTED` = 4, `FAILED` = 5.
    pub status: i32,
    pub final_tally: Tally,
    /// Unix seconds (0 before the voting period).
    pub voting_end_time: i64,
    pub failed_reason: String,
}

/// Gaia `x/liquid` parameters (decimals × 10^18).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiquidParams {
    pub global_liquid_staking_cap_atto: u128,
    pub validator_liquid_staking_cap_atto: u128,
}

/// x/slashing parameters (decimals × 10^18).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlashingParams {
    pub signed_blocks_window: i64,
    pub min_signed_per_window_atto: u128,
    pub downtime_jail_seconds: i64,
    pub slash_fraction_double_sign_atto: u128,
    pub slash_fraction_downtime_atto: u128,
}

impl SlashingParams {
    pub(crate) fn from_proto(p: cosmrs::proto::cosmos::slashing::v1beta1::Params) -> Result<Self> {
        let dec = |b: &[u8], what: &str| {
            let s = std::str::from_utf8(b).map_err(|e| Error::decode(what, e))?;
            parse_legacy_dec(s, what)
        };
        Ok(SlashingParams {
            signed_blocks_window: p.signed_blocks_window,
            min_signed_per_window_atto: dec(&p.min_signed_per_window, "min_signed_per_window")?,
            downtime_jail_seconds: p.downtime_jail_duration.map(|d| d.seconds).unwrap_or(0),
            slash_fraction_double_sign_atto: dec(
                &p.slash_fraction_double_sign,
                "slash_fraction_double_sign",
            )?,
            slash_fraction_downtime_atto: dec(
                &p.slash_fraction_downtime,
                "slash_fraction_downtime",
            )?,
        })
    }

    /// The protobuf form (for `MsgUpdateParams`).
    pub fn to_proto(&self) -> cosmrs::proto::cosmos::slashing::v1beta1::Params {
        cosmrs::proto::cosmos::slashing::v1beta1::Params {
            signed_blocks_window: self.signed_blocks_window,
            min_signed_per_window: self.min_signed_per_window_atto.to_string().into_bytes(),
            downtime_jail_duration: Some(cosmrs::proto::tendermint::google::protobuf::Duration {
                seconds: self.downtime_jail_seconds,
                nanos: 0,
            }),
            slash_fraction_double_sign: self
                .slash_fraction_double_sign_atto
                .to_string()
                .into_bytes(),
            slash_fraction_downtime: self.slash_fraction_downtime_atto.to_string().into_bytes(),
        }
    }
}
