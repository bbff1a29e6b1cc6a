//! The state of the hub as the contract's queries report it (`staker_overview`,
//! `services`, `slash_requests`, `stats`), as tables or as JSON.
//!
//! Why one file: each table is a short function from one query's answer to rows; together
//! they are the one view `restake dashboard` prints.

use std::collections::BTreeMap;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, CellAlignment, ContentArrangement, Table};
use cosmwasm_std::{Decimal, Uint128};
use restake_types::{QueryMsg, SlashRequestResponse, SlashRequestsResponse, StatsResponse};
use serde::Serialize;

use crate::sim::{pct, Sim};
use crate::units::{amount_cell, count, display_unit, fmt_amount, fmt_duration, group};

#[derive(Debug, Clone, Serialize)]
pub struct StakerRow {
    pub name: String,
    pub address: String,
    pub bonded: Uint128,
    pub unbonding: Uint128,
    pub claimable: Uint128,
    /// Asset (denom or token symbol) → amount.
    pub pending_rewards: BTreeMap<String, Uint128>,
    pub max_slash_exposure: Uint128,
    /// Service name → bonded tokens securing it.
    pub restaked: BTreeMap<String, Uint128>,
    pub positions: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceRow {
    pub id: u64,
    pub name: String,
    pub status: String,
    pub max_slash: Decimal,
    pub veto_period: u64,
    pub opt_out_delay: u64,
    pub total_stake: Uint128,
    pub rewards_paid: BTreeMap<String, Uint128>,
    pub total_slashed: Uint128,
}

#[derive(Debug, Clone, Serialize)]
pub struct SlashRow {
    pub id: u64,
    pub service: String,
    pub validator: String,
    pub fraction: Decimal,
    pub status: String,
    pub slashed_amount: Uint128,
    pub slashed_bonded: Uint128,
    pub slashed_unbonding: Uint128,
    /// Seconds since the start of the scenario at which it can be executed.
    pub executable_at: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ValidatorRow {
    pub name: String,
    pub address: String,
    /// The hub's delegation as the chain reports it.
    pub delegation: Uint128,
    /// What the hub's books say the delegation should be.
    pub books: Uint128,
    pub bonded: Uint128,
    pub queued: Uint128,
}

/// Everything the dashboard shows, read from the contract.
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    /// Seconds since the scenario started.
    pub time: u64,
    pub height: u64,
    pub paused: bool,
    pub denom: String,
    pub stakers: Vec<StakerRow>,
    pub services: Vec<ServiceRow>,
    pub slashes: Vec<SlashRow>,
    pub validators: Vec<ValidatorRow>,
    pub stats: Option<StatsResponse>,
}

fn slash_requests(sim: &Sim) -> Vec<SlashRequestResponse> {
    let mut out: Vec<SlashRequestResponse> = vec![];
    loop {
        let r: Result<SlashRequestsResponse, _> = sim.suite.query(&QueryMsg::SlashRequests {
            service_id: None,
            validator: None,
            status: None,
            start_after: out.last().map(|s| s.id),
            limit: Some(30),
        });
        let Ok(r) = r else { return out };
        let n = r.slash_requests.len();
        out.extend(r.slash_requests);
        if n < 30 {
            return out;
        }
    }
}

impl Snapshot {
    pub fn take(sim: &Sim) -> Snapshot {
        let suite = &sim.suite;
        let w = &sim.names;
        let reward_name = |r: &restake_types::RewardAmount| match (&r.denom, &r.cw20) {
            (Some(d), _) => d.clone(),
            (_, Some(a)) => sim.symbol_of(a),
            _ => "?".into(),
        };
        let stakers = w
            .stakers
            .iter()
            .filter_map(|name| {
                let ov = suite.staker_overview(name).ok()?;
                Some(StakerRow {
                    name: name.clone(),
                    address: ov.staker.to_string(),
                    bonded: ov.bonded,
                    unbonding: ov.unbonding,
                    claimable: ov.claimable,
                    pending_rewards: ov
                        .pending_rewards
                        .iter()
                        .map(|r| (reward_name(r), r.amount))
                        .collect(),
                    max_slash_exposure: ov.max_slash_exposure,
                    restaked: ov
                        .restaked
                        .iter()
                        .filter(|r| !r.amount.is_zero())
                        .map(|r| (w.service_name(r.service_id), r.amount))
                        .collect(),
                    positions: ov.positions,
                })
            })
            .collect();
        let mut services = vec![];
        let mut start_after = None;
        loop {
            let page = suite.services(start_after, Some(30)).unwrap_or_default();
            let n = page.len();
            start_after = page.last().map(|s| s.id);
            services.extend(page.into_iter().map(|s| {
                ServiceRow {
                    id: s.id,
                    name: s.name.clone(),
                    status: s.status.to_string(),
                    max_slash: s.max_slash,
                    veto_period: s.veto_period,
                    opt_out_delay: s.opt_out_delay,
                    total_stake: s.total_stake,
                    rewards_paid: s
                        .rewards_paid
                        .iter()
                        .map(|r| (reward_name(r), r.amount))
                        .collect(),
                    total_slashed: s.total_slashed,
                }
            }));
            if n < 30 {
                break;
            }
        }
        let vname = |addr: &str| {
            w.validators
                .iter()
                .find(|(_, a)| a == addr)
                .map(|(n, _)| n.clone())
                .unwrap_or_else(|| addr.to_string())
        };
        let slashes = slash_requests(sim)
            .into_iter()
            .map(|s| SlashRow {
                id: s.id,
                service: w.service_name(s.service_id),
                validator: vname(&s.validator),
                fraction: s.fraction,
                status: s.status.to_string(),
                slashed_amount: s.slashed_amount,
                slashed_bonded: s.slashed_bonded,
                slashed_unbonding: s.slashed_unbonding,
                executable_at: s
                    .executable_at
                    .seconds()
                    .saturating_sub(sim.start.seconds()),
            })
            .collect();
        let validators = w
            .validators
            .iter()
            .map(|(name, addr)| {
                let books = suite.validator_books(addr).ok();
                ValidatorRow {
                    name: name.clone(),
                    address: addr.clone(),
                    delegation: Uint128::new(suite.delegation(addr)),
                    books: books.as_ref().map(|b| b.books).unwrap_or_default(),
                    bonded: books.as_ref().map(|b| b.bonded).unwrap_or_default(),
                    queued: books.as_ref().map(|b| b.queued).unwrap_or_default(),
                }
            })
            .collect();
        Snapshot {
            time: sim.elapsed(),
            height: suite.app.block_info().height,
            paused: suite.config().map(|c| c.paused).unwrap_or(false),
            denom: w.denom.clone(),
            stakers,
            services,
            slashes,
            validators,
            stats: suite.stats().ok(),
        }
    }

    /// The dashboard as text: stakers (at most `max_stakers` rows), services, slash
    /// requests, validators and totals.
    pub fn render(&self, max_stakers: usize) -> String {
        let mut out = String::new();
        let active: Vec<&StakerRow> = self
            .stakers
            .iter()
            .filter(|s| {
                !(s.bonded.is_zero() && s.unbonding.is_zero() && s.pending_rewards.is_empty())
            })
            .collect();
        if !active.is_empty() {
            let bonded_header = match display_unit(&self.denom) {
                Some((sym, _)) => format!("bonded {} ({sym})", self.denom),
                None => format!("bonded {}", self.denom),
            };
            let mut t = table(&[
                "staker",
                &bonded_header,
                "unbonding",
                "claimable",
                "pending rewards",
                "max slash exposure",
                "restaked in",
            ]);
            for s in active.iter().take(max_stakers) {
                t.add_row(vec![
                    Cell::new(&s.name),
                    num_cell(s.bonded, &self.denom),
                    num_cell(s.unbonding, &self.denom),
                    num_cell(s.claimable, &self.denom),
                    Cell::new(assets(&s.pending_rewards)),
                    num_cell(s.max_slash_exposure, &self.denom),
                    Cell::new(s.restaked.keys().cloned().collect::<Vec<_>>().join(", ")),
                ]);
            }
            if active.len() > max_stakers {
                let rest = &active[max_stakers..];
                let sum = |f: fn(&StakerRow) -> Uint128| rest.iter().map(|s| f(s)).sum::<Uint128>();
                t.add_row(vec![
                    Cell::new(format!("… {} more", rest.len())).add_attribute(Attribute::Italic),
                    num_cell(sum(|s| s.bonded), &self.denom),
                    num_cell(sum(|s| s.unbonding), &self.denom),
                    num_cell(sum(|s| s.claimable), &self.denom),
                    Cell::new(""),
                    num_cell(sum(|s| s.max_slash_exposure), &self.denom),
                    Cell::new("(--all-stakers lists them)"),
                ]);
            }
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !self.services.is_empty() {
            let mut t = table(&[
                "#",
                "service",
                "status",
                "max slash",
                "veto / opt-out",
                "restaked stake",
                "rewards paid",
                "slashed",
            ]);
            for s in &self.services {
                t.add_row(vec![
                    Cell::new(s.id),
                    Cell::new(&s.name),
                    Cell::new(&s.status),
                    Cell::new(pct(s.max_slash)).set_alignment(CellAlignment::Right),
                    Cell::new(format!(
                        "{} / {}",
                        fmt_duration(s.veto_period),
                        fmt_duration(s.opt_out_delay)
                    )),
                    num_cell(s.total_stake, &self.denom),
                    Cell::new(assets(&s.rewards_paid)),
                    num_cell(s.total_slashed, &self.denom),
                ]);
            }
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !self.slashes.is_empty() {
            let mut t = table(&[
                "slash",
                "service",
                "validator",
                "fraction",
                "status",
                "slashed (bonded + unbonding)",
            ]);
            for s in &self.slashes {
                let status = if s.status == "pending" {
                    if s.executable_at > self.time {
                        format!(
                            "pending, veto window {} left",
                            fmt_duration(s.executable_at - self.time)
                        )
                    } else {
                        "pending, executable".into()
                    }
                } else {
                    s.status.clone()
                };
                t.add_row(vec![
                    Cell::new(format!("#{}", s.id)),
                    Cell::new(&s.service),
                    Cell::new(&s.validator),
                    Cell::new(pct(s.fraction)).set_alignment(CellAlignment::Right),
                    Cell::new(status),
                    Cell::new(if s.status == "executed" {
                        format!(
                            "{} ({} + {})",
                            amount_cell(s.slashed_amount.u128(), &self.denom),
                            group(s.slashed_bonded.u128()),
                            group(s.slashed_unbonding.u128())
                        )
                    } else {
                        "-".into()
                    })
                    .set_alignment(CellAlignment::Right),
                ]);
            }
            out.push_str(&t.to_string());
            out.push('\n');
        }
        let vals: Vec<String> = self
            .validators
            .iter()
            .map(|v| {
                let mut s = format!(
                    "{} {}",
                    v.name,
                    amount_cell(v.delegation.u128(), &self.denom)
                );
                if v.delegation < v.books {
                    s.push_str(&format!(" (books {}: sync pending)", group(v.books.u128())));
                }
                s
            })
            .collect();
        out.push_str(&format!(
            "validators (hub delegation): {}\n",
            vals.join(" · ")
        ));
        if let Some(st) = &self.stats {
            out.push_str(&format!(
                "total: bonded {} · unbonding {} · restaked {} (Σ over services) · slashed {} by services, {} by the chain · {} · {}{}\n",
                fmt_amount(st.total_bonded.u128(), &self.denom),
                amount_cell(st.total_unbonding.u128(), &self.denom),
                amount_cell(st.total_restaked.u128(), &self.denom),
                amount_cell(st.total_slashed.u128(), &self.denom),
                amount_cell(st.chain_slashed.u128(), &self.denom),
                count(st.stakers.into(), "staker"),
                count(st.services.into(), "service"),
                if self.paused { " · hub PAUSED" } else { "" },
            ));
        }
        out
    }
}

fn table(headers: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED.with_rounded_corners())
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(
            headers
                .iter()
                .map(|h| Cell::new(h).add_attribute(Attribute::Bold)),
        );
    t
}

/// An amount of the bonded denom (named in the column's header), with its display unit.
fn num_cell(n: Uint128, denom: &str) -> Cell {
    Cell::new(amount_cell(n.u128(), denom)).set_alignment(CellAlignment::Right)
}

fn assets(m: &BTreeMap<String, Uint128>) -> String {
    if m.is_empty() {
        return "-".into();
    }
    m.iter()
        .map(|(k, v)| fmt_amount(v.u128(), k))
        .collect::<Vec<_>>()
        .join(", ")
}
