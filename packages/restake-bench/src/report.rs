//! Ratios, the markdown report (`docs/gas.md`) and the machine-readable one (`docs/gas.json`).
//!
//! Why one file: both reports are made from the same rows and ratios, and the markdown's
//! tables mirror the JSON's fields one for one; kept together, a new column is one change.

use std::collections::BTreeMap;
use std::fmt::Write;

use num_format::{Locale, ToFormattedString};
use serde::Serialize;

use crate::gas;
use crate::scenario::{Mode, Row};
use crate::storage::KeyTally;
use crate::table::Table;

/// A message is flat when its storage operations are identical at both ends of the curve
/// and its gas grows by at most this factor (numbers get longer as totals grow).
pub const FLAT_TOLERANCE: f64 = 1.10;

#[derive(Clone, Debug, Serialize)]
pub struct Ratio {
    pub message: String,
    pub scenario: String,
    /// What varies: "stakers" or "payments" (or "pools").
    pub against: String,
    pub from: u64,
    pub to: u64,
    pub vm_gas_from: u64,
    pub vm_gas_to: u64,
    pub vm_gas_ratio: f64,
    pub sdk_gas_ratio: f64,
    pub storage_ops_from: u64,
    pub storage_ops_to: u64,
    pub flat: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub mode: String,
    pub wasm_path: String,
    pub wasm_size_bytes: usize,
    /// From `artifacts/checksums.txt` (written by `scripts/build-wasm.sh`), when present.
    pub wasm_sha256: Option<String>,
    pub executions: u64,
    pub constants: Constants,
    pub rows: Vec<Row>,
    pub staker_ratios: Vec<Ratio>,
    pub payment_ratios: Vec<Ratio>,
    pub pool_curve: Vec<Ratio>,
    pub non_flat: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Constants {
    pub gas_multiplier: u64,
    pub instance_cost: u64,
    pub instance_cost_discount: u64,
    pub read_cost_flat: u64,
    pub read_cost_per_byte: u64,
    pub write_cost_flat: u64,
    pub write_cost_per_byte: u64,
    pub delete_cost: u64,
    pub iter_next_cost_flat: u64,
    pub has_cost: u64,
    pub contract_key_prefix_bytes: u64,
    pub event_per_attribute: u64,
    pub event_per_byte: u64,
    pub event_free_bytes: u64,
}

impl Constants {
    fn get() -> Constants {
        Constants {
            gas_multiplier: gas::GAS_MULTIPLIER,
            instance_cost: gas::INSTANCE_COST,
            instance_cost_discount: gas::INSTANCE_COST_DISCOUNT,
            read_cost_flat: gas::READ_COST_FLAT,
            read_cost_per_byte: gas::READ_COST_PER_BYTE,
            write_cost_flat: gas::WRITE_COST_FLAT,
            write_cost_per_byte: gas::WRITE_COST_PER_BYTE,
            delete_cost: gas::DELETE_COST,
            iter_next_cost_flat: gas::ITER_NEXT_COST_FLAT,
            has_cost: gas::HAS_COST,
            contract_key_prefix_bytes: gas::CONTRACT_KEY_PREFIX,
            event_per_attribute: gas::EVENT_PER_ATTRIBUTE,
            event_per_byte: gas::EVENT_PER_BYTE,
            event_free_bytes: gas::EVENT_FREE_BYTES,
        }
    }
}

fn ops(r: &Row) -> u64 {
    r.reads + r.writes + r.removes + r.iterations
}

fn ratio(against: &str, from_key: u64, to_key: u64, a: &Row, b: &Row) -> Ratio {
    let vm = b.vm_gas as f64 / a.vm_gas.max(1) as f64;
    let sdk = b.sdk_gas_estimate as f64 / a.sdk_gas_estimate.max(1) as f64;
    Ratio {
        message: a.message.clone(),
        scenario: a.scenario.clone(),
        against: against.to_string(),
        from: from_key,
        to: to_key,
        vm_gas_from: a.vm_gas,
        vm_gas_to: b.vm_gas,
        vm_gas_ratio: (vm * 1000.0).round() / 1000.0,
        sdk_gas_ratio: (sdk * 1000.0).round() / 1000.0,
        storage_ops_from: ops(a),
        storage_ops_to: ops(b),
        flat: ops(a) == ops(b) && vm <= FLAT_TOLERANCE && sdk <= FLAT_TOLERANCE,
    }
}

/// Distinct (message, scenario) pairs in first-seen order.
fn kinds(rows: &[Row], curve: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![];
    for r in rows.iter().filter(|r| r.curve == curve) {
        let k = (r.message.clone(), r.scenario.clone());
        if !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

fn find<'a>(
    rows: &'a [Row],
    curve: &str,
    kind: &(String, String),
    pick: impl Fn(&Row) -> bool,
) -> Option<&'a Row> {
    rows.iter()
        .find(|r| r.curve == curve && r.message == kind.0 && r.scenario == kind.1 && pick(r))
}

pub fn build(
    mode: &Mode,
    rows: Vec<Row>,
    executions: u64,
    wasm_size: usize,
) -> Result<Report, String> {
    let n_min = *mode.levels.first().ok_or("no levels")?;
    let n_max = *mode.levels.last().ok_or("no levels")?;
    let p_min = *mode.payments.first().ok_or("no payments")?;
    let p_max = *mode.payments.last().ok_or("no payments")?;
    let mut staker_ratios = vec![];
    let mut payment_ratios = vec![];
    for kind in kinds(&rows, "stakers") {
        let a = find(&rows, "stakers", &kind, |r| {
            r.stakers == n_min && r.payments == p_min
        });
        let b = find(&rows, "stakers", &kind, |r| {
            r.stakers == n_max && r.payments == p_min
        });
        match (a, b) {
            (Some(a), Some(b)) => staker_ratios.push(ratio("stakers", n_min, n_max, a, b)),
            _ => return Err(format!("{kind:?} is missing at {n_min} or {n_max} stakers")),
        }
        let a = find(&rows, "stakers", &kind, |r| {
            r.stakers == n_max && r.payments == p_min
        });
        let b = find(&rows, "stakers", &kind, |r| {
            r.stakers == n_max && r.payments == p_max
        });
        match (a, b) {
            (Some(a), Some(b)) => {
                payment_ratios.push(ratio("payments", p_min as u64, p_max as u64, a, b))
            }
            _ => {
                return Err(format!(
                    "{kind:?} is missing at {p_min} or {p_max} payments"
                ))
            }
        }
    }
    let k_min = *mode.pool_levels.first().ok_or("no pool levels")?;
    let k_max = *mode.pool_levels.last().ok_or("no pool levels")?;
    let mut pool_curve = vec![];
    for kind in kinds(&rows, "pools") {
        let a = find(&rows, "pools", &kind, |r| r.pools == k_min);
        let b = find(&rows, "pools", &kind, |r| r.pools == k_max);
        match (a, b) {
            (Some(a), Some(b)) => pool_curve.push(ratio("pools", k_min as u64, k_max as u64, a, b)),
            _ => return Err(format!("{kind:?} is missing at {k_min} or {k_max} pools")),
        }
    }
    let non_flat = staker_ratios
        .iter()
        .chain(&payment_ratios)
        .filter(|r| !r.flat)
        .map(|r| {
            format!(
                "{} / {}: against {} {}→{}: vm gas ×{}, sdk gas ×{}, storage ops {}→{}",
                r.message,
                r.scenario,
                r.against,
                r.from,
                r.to,
                r.vm_gas_ratio,
                r.sdk_gas_ratio,
                r.storage_ops_from,
                r.storage_ops_to
            )
        })
        .collect();
    Ok(Report {
        mode: mode.name.to_string(),
        wasm_path: "artifacts/restake_hub.wasm".into(),
        wasm_size_bytes: wasm_size,
        wasm_sha256: crate::vm::wasm_checksum(),
        executions,
        constants: Constants::get(),
        rows,
        staker_ratios,
        payment_ratios,
        pool_curve,
        non_flat,
    })
}

/// `1234567` → `1,234,567`.
pub fn fmt_int(n: u64) -> String {
    n.to_formatted_string(&Locale::en)
}

/// One row of the table beside Mesh Security.
struct MeshRow {
    message: &'static str,
    /// The hub's scenario to compare.
    scenario: &'static str,
    /// `Some(k)`: the pool curve's row with `k` pools on the validator (the slash of one
    /// pool); `None`: the headline row (the most stakers).
    pools: Option<u32>,
    /// The hub's SDK gas (without the instance cost) in the issue "Lean hub", measured on
    /// the layout of that day.
    filed: Option<u64>,
    /// Mesh Security's mesh-vault, measured once for that issue: SDK gas without the
    /// instance cost (`None`: Mesh Security has no such message).
    mesh: Option<u64>,
    /// The issue's target for the hub.
    target: u64,
}

/// The optimized wasm in the issue "Lean hub": the hub's size then, the sizes of Mesh
/// Security's two contracts as that issue gives them, and the target (400 KiB).
const WASM_FILED: u64 = 736_511;
const WASM_MESH: &str = "710 KB + 535 KB";
const WASM_TARGET: u64 = 409_600;

const MESH_SECURITY: &[MeshRow] = &[
    MeshRow {
        message: "deposit",
        scenario: "new_position",
        pools: None,
        filed: Some(72_800),
        mesh: Some(69_800),
        target: 50_000,
    },
    MeshRow {
        message: "distribute_rewards",
        scenario: "native_1_denom",
        pools: None,
        filed: Some(20_300),
        mesh: Some(9_400),
        target: 9_000,
    },
    MeshRow {
        message: "claim_rewards",
        scenario: "1_services_1_denoms",
        pools: None,
        filed: Some(70_200),
        mesh: Some(47_500),
        target: 40_000,
    },
    MeshRow {
        message: "execute_slash",
        scenario: "shared_services",
        pools: Some(1),
        filed: Some(168_000),
        mesh: Some(31_400_000),
        target: 120_000,
    },
    MeshRow {
        message: "execute_slash",
        scenario: "service_slash",
        pools: None,
        filed: None,
        mesh: Some(31_400_000),
        target: 120_000,
    },
    MeshRow {
        message: "unbond",
        scenario: "queued",
        pools: None,
        filed: Some(124_000),
        mesh: None,
        target: 80_000,
    },
    MeshRow {
        message: "unbond",
        scenario: "sends_batch",
        pools: None,
        filed: Some(124_000),
        mesh: None,
        target: 80_000,
    },
];

/// A ratio to two decimals, or to two significant digits below 0.01.
fn fmt_ratio(x: f64) -> String {
    if x >= 0.01 {
        format!("{x:.2}")
    } else {
        format!("{x:.2e}")
    }
}

/// Storage operations (reads, writes, deletes) over the fewest the design needs.
fn fmt_floor(r: &Row) -> String {
    match (r.minimal_reads, r.minimal_writes) {
        (Some(a), Some(b)) if a + b > 0 => format!(
            "{:.2}×",
            (r.reads + r.writes + r.removes) as f64 / (a + b) as f64
        ),
        _ => "–".into(),
    }
}

fn fmt_min(r: &Row) -> String {
    match (r.minimal_reads, r.minimal_writes) {
        (Some(a), Some(b)) => format!("{a} / {b}"),
        _ => "–".into(),
    }
}

fn keys_summary(keys: &BTreeMap<String, KeyTally>) -> String {
    keys.iter()
        .map(|(ns, t)| {
            let mut parts = vec![];
            if t.reads > 0 {
                parts.push(format!("r{}", t.reads));
            }
            if t.writes > 0 {
                parts.push(format!("w{}", t.writes));
            }
            if t.removes > 0 {
                parts.push(format!("d{}", t.removes));
            }
            if t.iterated > 0 {
                parts.push(format!("i{}", t.iterated));
            }
            if t.repeated_reads > 0 {
                parts.push(format!("**{} re-read**", t.repeated_reads));
            }
            if t.unchanged_writes > 0 {
                parts.push(format!("**{} unchanged**", t.unchanged_writes));
            }
            format!("`{ns}` {}", parts.join(" "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Report {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// The rows at the largest level with the fewest payments: the headline table.
    fn headline(&self) -> Vec<&Row> {
        let n_max = self
            .rows
            .iter()
            .filter(|r| r.curve == "stakers")
            .map(|r| r.stakers)
            .max()
            .unwrap_or(0);
        let p_min = self
            .rows
            .iter()
            .filter(|r| r.curve == "stakers")
            .map(|r| r.payments)
            .min()
            .unwrap_or(0);
        self.rows
            .iter()
            .filter(|r| r.curve == "stakers" && r.stakers == n_max && r.payments == p_min)
            .collect()
    }

    pub fn summary_table(&self, chains: &[crate::realchain::ChainGas]) -> String {
        let mut t = Table::new();
        t.left("message")
            .left("scenario")
            .right("VM gas")
            .right("SDK gas (est.)");
        for c in chains {
            t.right(format!("measured on {} (range, whole tx)", c.label));
        }
        for name in [
            "reads",
            "writes",
            "deletes",
            "bytes read",
            "bytes written",
            "iterations",
            "queries",
            "minimal reads / writes",
            "ops vs floor",
            "re-reads",
            "unchanged writes",
        ] {
            t.right(name);
        }
        for r in self.headline() {
            let mut cells = vec![
                r.message.clone(),
                r.scenario.clone(),
                fmt_int(r.vm_gas),
                fmt_int(r.sdk_gas_estimate),
            ];
            cells.extend(chains.iter().map(|c| c.range_text(&r.message)));
            cells.extend([
                r.reads.to_string(),
                r.writes.to_string(),
                r.removes.to_string(),
                fmt_int(r.bytes_read),
                fmt_int(r.bytes_written),
                r.iterations.to_string(),
                r.queries.to_string(),
                fmt_min(r),
                fmt_floor(r),
                r.repeated_reads.to_string(),
                r.unchanged_writes.to_string(),
            ]);
            t.row(cells);
        }
        t.render()
    }

    /// The hub beside Mesh Security's `mesh-vault` on the messages both have (see
    /// [`MESH_SECURITY`]): SDK gas without the 60,000 instance cost and the returned messages.
    pub fn mesh_table(&self) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "\n## Beside Mesh Security\n\nSDK gas without the {} instance cost (the same formula for \
             both; the returned messages excluded). Mesh Security's figures were measured in \
             cosmwasm-vm 2.2.10 with 1,000 users (its slash with 1,000 affected users), the \
             hub's here with the most stakers of this run; `hub when filed` is the hub's own \
             figure in that issue (\"Lean hub\", on v0.1's JSON storage). The slash of one \
             pool is the pool curve's row with one pool on the validator (below).",
            fmt_int(crate::gas::INSTANCE_COST)
        );
        let slash = self
            .headline()
            .into_iter()
            .find(|r| r.scenario == "service_slash");
        if let Some(shape) = slash.and_then(|r| r.shape.as_ref()) {
            let _ = write!(
                s,
                " `service_slash` hits {} of the {} pools on its validator, {} services and {} \
                 unbonding batches, and as the first change of its day it writes each of those \
                 services' history point.",
                shape.hit, shape.pools, shape.services, shape.batches
            );
        }
        s.push_str("\n\n");
        let mut t = Table::new();
        t.left("message")
            .left("hub scenario")
            .right("hub")
            .right("hub when filed")
            .right("Mesh Security")
            .right("hub / Mesh")
            .right("target")
            .center("met");
        let headline = self.headline();
        let dash = || "—".to_string();
        for m in MESH_SECURITY {
            let row = match m.pools {
                None => headline
                    .iter()
                    .copied()
                    .find(|r| r.message == m.message && r.scenario == m.scenario),
                Some(k) => self.rows.iter().find(|r| {
                    r.curve == "pools"
                        && r.pools == k
                        && r.message == m.message
                        && r.scenario == m.scenario
                }),
            };
            let Some(r) = row else {
                continue;
            };
            let hub = r.sdk_gas_estimate.saturating_sub(r.sdk.instance);
            let scenario = match m.pools {
                None => m.scenario.to_string(),
                Some(k) => format!("{}, {k} pool{}", m.scenario, if k == 1 { "" } else { "s" }),
            };
            t.row([
                m.message.to_string(),
                scenario,
                fmt_int(hub),
                m.filed.map_or_else(dash, fmt_int),
                m.mesh.map_or_else(dash, fmt_int),
                m.mesh
                    .map_or_else(dash, |mesh| fmt_ratio(hub as f64 / mesh as f64)),
                format!("≤ {}", fmt_int(m.target)),
                if hub <= m.target { "yes" } else { "**no**" }.to_string(),
            ]);
        }
        let wasm = self.wasm_size_bytes as u64;
        t.row([
            "optimized wasm (bytes)".to_string(),
            "restake_hub.wasm".to_string(),
            fmt_int(wasm),
            fmt_int(WASM_FILED),
            WASM_MESH.to_string(),
            dash(),
            format!("≤ {}", fmt_int(WASM_TARGET)),
            if wasm <= WASM_TARGET { "yes" } else { "**no**" }.to_string(),
        ]);
        s.push_str(&t.render());
        s
    }

    fn curve_table(&self, against: &str) -> String {
        // The curve's rows, the varying size of a row, and the rows held fixed: the fewest
        // payments along the staker curve, the most stakers along the payment curve.
        let curve = if against == "pools" {
            "pools"
        } else {
            "stakers"
        };
        let size = |r: &Row| -> u64 {
            match against {
                "stakers" => r.stakers,
                "payments" => r.payments as u64,
                _ => r.pools as u64,
            }
        };
        let on_curve: Vec<&Row> = self.rows.iter().filter(|r| r.curve == curve).collect();
        let p_min = on_curve.iter().map(|r| r.payments).min().unwrap_or(0);
        let n_max = on_curve.iter().map(|r| r.stakers).max().unwrap_or(0);
        let fixed = |r: &Row| match against {
            "stakers" => r.payments == p_min,
            "payments" => r.stakers == n_max,
            _ => true,
        };
        let mut levels: Vec<u64> = on_curve.iter().map(|r| size(r)).collect();
        levels.sort_unstable();
        levels.dedup();
        let ratios = match against {
            "stakers" => &self.staker_ratios,
            "payments" => &self.payment_ratios,
            _ => &self.pool_curve,
        };
        let mut t = Table::new();
        t.left("message").left("scenario");
        for l in &levels {
            t.right(if against == "pools" {
                format!("VM (SDK) gas @ {l} pools")
            } else {
                format!("VM gas @ {}", fmt_int(*l))
            });
        }
        t.right("storage ops").right("ratio VM").right("ratio SDK");
        t.right(match levels.as_slice() {
            [.., a, b] => format!("VM ratio {}→{}", fmt_int(*a), fmt_int(*b)),
            _ => "VM ratio last step".to_string(),
        });
        t.center("flat");
        for ratio in ratios {
            let at: Vec<Option<&Row>> = levels
                .iter()
                .map(|l| {
                    on_curve.iter().copied().find(|r| {
                        r.message == ratio.message
                            && r.scenario == ratio.scenario
                            && size(r) == *l
                            && fixed(r)
                    })
                })
                .collect();
            let cells: Vec<String> = at
                .iter()
                .map(|r| match r {
                    Some(r) if against == "pools" => {
                        format!("{} ({})", fmt_int(r.vm_gas), fmt_int(r.sdk_gas_estimate))
                    }
                    Some(r) => fmt_int(r.vm_gas),
                    None => "–".into(),
                })
                .collect();
            let last_step = match at.as_slice() {
                [.., Some(a), Some(b)] => {
                    format!("{:.3}", b.vm_gas as f64 / a.vm_gas.max(1) as f64)
                }
                _ => "–".into(),
            };
            let ops = if ratio.storage_ops_from == ratio.storage_ops_to {
                ratio.storage_ops_from.to_string()
            } else {
                format!("{} → {}", ratio.storage_ops_from, ratio.storage_ops_to)
            };
            let flat = if against == "pools" {
                "n/a".to_string()
            } else if ratio.flat {
                "yes".to_string()
            } else {
                "**NO**".to_string()
            };
            let mut row = vec![ratio.message.clone(), ratio.scenario.clone()];
            row.extend(cells);
            row.extend([
                ops,
                format!("{:.3}", ratio.vm_gas_ratio),
                format!("{:.3}", ratio.sdk_gas_ratio),
                last_step,
                flat,
            ]);
            t.row(row);
        }
        t.render()
    }

    pub fn ratios_text(&self) -> String {
        let mut s = String::new();
        let curves = [
            (&self.staker_ratios, "stakers"),
            (&self.payment_ratios, "payments"),
            (&self.pool_curve, "pools"),
        ];
        for (ratios, size) in curves {
            for r in ratios {
                // the pool curve is linear by design: flatness is not asked of it
                let verdict = if r.flat || size == "pools" {
                    ""
                } else {
                    "  NOT FLAT"
                };
                let _ = writeln!(
                    s,
                    "{:<20} {:<30} gas({} {size})/gas({}) = {:.3} (SDK {:.3}){verdict}",
                    r.message, r.scenario, r.to, r.from, r.vm_gas_ratio, r.sdk_gas_ratio
                );
            }
        }
        s
    }

    /// A compact table for the README: every message at the largest size, with the real
    /// chain's measurements beside the estimate.
    pub fn readme_table(&self, chains: &[crate::realchain::ChainGas]) -> String {
        let n_max = self.headline().first().map(|r| r.stakers).unwrap_or(0);
        let mut t = Table::new();
        t.left("message").left("scenario").right(format!(
            "SDK gas, VM estimate at {} stakers",
            fmt_int(n_max)
        ));
        for c in chains {
            t.right(format!(
                "gas_used on {} (whole tx, range over the e2e tests)",
                c.label
            ));
        }
        t.right("reads / writes");
        for r in self.headline() {
            let mut cells = vec![
                r.message.clone(),
                r.scenario.clone(),
                fmt_int(r.sdk_gas_estimate),
            ];
            cells.extend(chains.iter().map(|c| c.range_text(&r.message)));
            cells.push(format!("{} / {}", r.reads, r.writes + r.removes));
            t.row(cells);
        }
        t.render()
    }

    pub fn to_markdown(&self, command: &str, chains: &[crate::realchain::ChainGas]) -> String {
        let mut s = String::new();
        let headline = self.headline();
        let n_max = headline.first().map(|r| r.stakers).unwrap_or(0);
        let _ = writeln!(s, "# Gas and storage of restake-hub in the CosmWasm VM\n");
        let _ = writeln!(
            s,
            "Generated by `{command}` (mode `{}`: {} executions in the VM). Do not edit by hand: \
             rerun the benchmark.\n",
            self.mode, self.executions
        );
        let _ = writeln!(
            s,
            "Optimized wasm `{}`: **{} bytes** ({:.1} KiB, {:.1} % of wasmd's default \
             `MaxWasmSize` of 819,200 bytes){}.\n",
            self.wasm_path,
            fmt_int(self.wasm_size_bytes as u64),
            self.wasm_size_bytes as f64 / 1024.0,
            self.wasm_size_bytes as f64 * 100.0 / 819_200.0,
            self.wasm_sha256
                .as_ref()
                .map(|c| format!(", sha256 `{c}`"))
                .unwrap_or_default()
        );
        let _ = writeln!(
            s,
            "Where its bytes go, per crate and function: [wasm-bytes.md](wasm-bytes.md) \
             (`scripts/wasm-bytes.sh`).\n"
        );
        s.push_str(METHOD);
        let _ = writeln!(
            s,
            "\n## Every message at {} stakers\n\nOne past payment per service; `minimal` is the \
             fewest reads / writes (sets + deletes) the design needs (see below).\n",
            fmt_int(n_max)
        );
        s.push_str(&self.summary_table(chains));
        s.push_str(&self.mesh_table());
        for c in chains {
            s.push_str(&c.section());
        }
        let _ = writeln!(
            s,
            "\n## Flat gas: the same messages as the hub grows\n\nVM gas of each message with \
             the given number of stakers already in the hub (one past payment per service). \
             `ratio` = gas at the largest size / gas at the smallest. A message is flat when its \
             storage operations are identical and its gas grows by at most {:.0} % (amounts get \
             longer as totals grow).\n",
            (FLAT_TOLERANCE - 1.0) * 100.0
        );
        s.push_str(&self.curve_table("stakers"));
        let _ = writeln!(
            s,
            "\n## Past reward payments\n\nThe same messages at {} stakers after 1, 10 or 100 \
             payments to every service since the subjects joined.\n",
            fmt_int(n_max)
        );
        s.push_str(&self.curve_table("payments"));
        let _ = writeln!(
            s,
            "\n## Slashing and chain sync against the pools on a validator\n\nA slash touches \
             every pool (exposure group) on its validator that secures the slashed service, found \
             through the service's pool index; a chain-slash sync touches every pool: linear in \
             the pools, which `max_pools_per_validator` (default 32) caps. Here every pool secures \
             the slashed service and holds stake in the validator's queued unbonding batch, the \
             worst case.\n"
        );
        s.push_str(&self.curve_table("pools"));
        let _ = writeln!(s, "\n## Findings\n");
        if self.non_flat.is_empty() {
            let _ = writeln!(
                s,
                "- Every message is flat in the number of stakers and of past payments: identical \
                 storage operations at every size, gas within {:.0} %. What growth there is comes \
                 in the first step, with longer amounts and reward indexes (bytes read), not with \
                 the number of stakers (see the last-step column).",
                (FLAT_TOLERANCE - 1.0) * 100.0
            );
        } else {
            for f in &self.non_flat {
                let _ = writeln!(s, "- NOT FLAT: {f}");
            }
        }
        for c in &self.pool_curve {
            let (Some(a), Some(b)) = (
                self.rows.iter().find(|r| {
                    r.curve == "pools"
                        && r.message == c.message
                        && r.scenario == c.scenario
                        && r.pools as u64 == c.from
                }),
                self.rows.iter().find(|r| {
                    r.curve == "pools"
                        && r.message == c.message
                        && r.scenario == c.scenario
                        && r.pools as u64 == c.to
                }),
            ) else {
                continue;
            };
            if c.to <= c.from || c.message == "slash" {
                continue;
            }
            let per_pool =
                (b.sdk_gas_estimate as f64 - a.sdk_gas_estimate as f64) / (c.to - c.from) as f64;
            let _ = writeln!(
                s,
                "- `{}` ({}): linear in the pools on the validator, ≈ {} SDK gas per pool; {} SDK \
                 gas ({} reads, {} writes + deletes) at {} pools.",
                c.message,
                c.scenario.replace('_', " "),
                fmt_int(per_pool.round() as u64),
                fmt_int(b.sdk_gas_estimate),
                b.reads,
                b.writes + b.removes,
                c.to
            );
        }
        let _ = writeln!(
            s,
            "\n### Storage operations beyond the minimum (at {} stakers)\n\n`re-reads`: gets of a key \
             already read or written in the same message; `unchanged`: sets of the value already \
             stored; `avoidable`: their SDK gas. The keys table below shows where the rest of the \
             excess lies.\n",
            fmt_int(n_max)
        );
        let mut t = Table::new();
        t.left("message")
            .left("scenario")
            .right("reads (min)")
            .right("writes + deletes (min)")
            .right("re-reads")
            .right("unchanged")
            .right("avoidable SDK gas");
        let k_max = self
            .rows
            .iter()
            .filter(|r| r.curve == "pools")
            .map(|r| r.pools)
            .max()
            .unwrap_or(0);
        let at_cap = self
            .rows
            .iter()
            .filter(|r| r.curve == "pools" && r.pools == k_max);
        for r in headline.iter().copied().chain(at_cap) {
            let extra_reads = r.minimal_reads.is_some_and(|m| r.reads > m);
            let extra_writes = r.minimal_writes.is_some_and(|m| r.writes + r.removes > m);
            if !(extra_reads || extra_writes || r.repeated_reads > 0 || r.unchanged_writes > 0) {
                continue;
            }
            let min = |m: Option<u64>| m.map_or("–".into(), |m| m.to_string());
            t.row([
                r.message.clone(),
                if r.curve == "pools" {
                    format!("{}, {} pools", r.scenario, r.pools)
                } else {
                    r.scenario.clone()
                },
                format!("{} ({})", r.reads, min(r.minimal_reads)),
                format!("{} ({})", r.writes + r.removes, min(r.minimal_writes)),
                r.repeated_reads.to_string(),
                r.unchanged_writes.to_string(),
                fmt_int(r.avoidable_sdk_gas),
            ]);
        }
        s.push_str(&t.render());
        let _ = writeln!(
            s,
            "\n## Storage keys touched (at {} stakers)\n\n`r` reads, `w` writes, `d` deletes, \
             `i` iterated items, by cw-storage-plus namespace.\n",
            fmt_int(n_max)
        );
        let mut t = Table::new();
        t.left("message").left("scenario").left("keys");
        for r in &headline {
            t.row([r.message.clone(), r.scenario.clone(), keys_summary(&r.keys)]);
        }
        s.push_str(&t.render());
        s.push_str(MINIMAL);
        s
    }
}

const METHOD: &str = r#"## Run it

```sh
scripts/build-wasm.sh                               # artifacts/restake_hub.wasm (the bench refuses to run without it)
cargo run -p restake-bench --release                # full: 1, 100, 1,000, 10,000 stakers; writes docs/gas.md and docs/gas.json
cargo run -p restake-bench --release -- --quick     # CI: 1 and 10 stakers; writes target/restake-bench/gas.{md,json}
cargo run -p restake-bench --release -- --out DIR   # either mode, written to DIR
cargo test -p restake-bench                         # runs the quick mode (skipped with a note when the wasm is missing)
```

Both modes fail if any message is refused by the hub or by the mock chain, or if a ratio
cannot be computed; neither checks timings. `gas.json` holds every measured row
(`message`, `scenario`, `stakers`, `payments`, `pools`, `vm_gas`, `sdk_gas_estimate` and its
parts, `reads`, `writes`, `removes`, `bytes_read`, `bytes_written`, `iterations`, `queries`,
`repeated_reads`, `unchanged_writes`, `minimal_storage_ops`, `minimal_reads`,
`minimal_writes`) and the ratios.

## How it is measured

- The optimized `artifacts/restake_hub.wasm` (built by `scripts/build-wasm.sh`) runs in
  cosmwasm-vm 2.2.10 with the singlepass compiler, a fresh instance per call from an in-memory
  module cache, as wasmd runs it.
- A small mock chain answers the contract's queries (bank balance, bonded denom, validator,
  delegation with accumulated rewards, contract info for cw20 tokens) and applies the
  messages the hub emits (delegate, undelegate, withdraw rewards, bank send, burn, cw20
  transfer). Rewards accrue on every delegation before every message; undelegations mature
  into the hub's balance after the unbonding period; the SDK's 7-entry limit is enforced; a
  chain slash shrinks the delegation and the entries still unbonding. Every benchmarked
  message must succeed and its effects must check out (amounts paid, batches sent and
  settled, books ≤ the chain's delegation, no rewards left for the chain to auto-withdraw).
- Every staker is genuine contract state: a deposit and an opt-in executed in the VM.
  Background stakers secure services 1, 9 and 17 on the main validator; `stakers` is their
  number. Each round measures fresh subjects on the same timeline (deposit, opt in, payments,
  claims, opt out, unbond, slash, sync, send and settle the unbonding batches over 26 days),
  so rounds differ only in the population and in the past payments; subjects stay in the hub
  (`stakers_in_hub` in `gas.json`: the background plus about 7 per earlier round). A warm-up
  round first creates the subjects' pools, so every measured round finds the same pools.
- Services 1–8 pay in one denom, 9–16 in three, 17 in a cw20 token (through `receive`, sent
  by a token the querier reports as a contract); the claim subjects secure services 1..k or
  9..8+k.
- Replies are part of the message: when the hub asks for one (slashed tokens routed with
  `reply_always`), the reply runs in a fresh instance and its gas and storage are added to
  the message's (wasmd charges 2,000 SDK gas per reply instead of the instance cost).
- **VM gas** is CosmWasm gas: the instance's gas left before − after the call. Storage and
  queries report no CosmWasm gas (wasmd meters them in SDK gas), so this is the execution
  cost wasmd converts.
- Storage is counted by a wrapper around the backend storage: reads (`get`, hits and misses),
  writes (`set`), deletes, iterations (iterator opens + items returned), bytes read and
  written (keys + values as the contract sees them), re-reads of a key already read or
  written in the same message, and writes of an unchanged value.

### SDK gas estimate

```text
sdk_gas = instance + vm_gas / 140,000 + KV gas + event gas
KV gas  = 1,000 × reads + 3 × (bytes read by get + 33 × reads)
        + 2,000 × writes + 30 × (bytes written + 33 × writes)
        + 1,000 × deletes
        + 30 × (iterators + items) + 3 × (bytes of items + 33 × items)
        + 3 × (bytes of each iterator's first item + 33), charged again on open
event gas = 10 × attributes + 1 × (attribute bytes − 100 free bytes)
```

| constant | value | source |
|---|--:|---|
| instance cost (per call, code not pinned) | 60,000 | wasmd `DefaultInstanceCost` (pinned: `DefaultInstanceCostDiscount` 2,000) |
| gas multiplier | 140,000 | wasmd `DefaultGasMultiplier` (CosmWasm gas per SDK gas since CosmWasm 2.0; 140,000,000 before) |
| ReadCostFlat / ReadCostPerByte | 1,000 / 3 | Cosmos SDK `KVGasConfig` |
| WriteCostFlat / WriteCostPerByte | 2,000 / 30 | Cosmos SDK `KVGasConfig` |
| DeleteCost / HasCost / IterNextCostFlat | 1,000 / 1,000 / 30 | Cosmos SDK `KVGasConfig` (the contract API has no `has`) |
| key prefix | 33 bytes | wasmd's contract store prefix `0x03` + 32-byte contract address, seen by the gas-metered store |
| event attribute cost | 10 + 1/byte after 100 bytes | wasmd `DefaultPerAttributeCost`, `DefaultEventAttributeDataCost`, `DefaultEventAttributeDataFreeTier` |

Per-byte costs apply to the key and the value (Cosmos SDK ≥ 0.47 `gaskv`). Not included:
the chain queries (each costs the module's own metered reads: roughly 1–2 reads for bank
balance, bonded denom, validator and contract info, several for a delegation with rewards;
the `queries` column counts them), the modules' gas for the messages the hub emits
(delegate, undelegate, send), and the transaction's own costs (signature, bytes).
"#;

const MINIMAL: &str = r#"
## Minimal storage operations

The fewest reads and writes (sets + deletes) each benchmarked message needs under the
design as built (pools keyed by validator and service set, each service's stake and reward
index in one state record, the pools of a service on a validator listed by an index, lazily
settled reward indexes, compact ids for validators and assets), counted in records, not in
the contract's code: iterators are not counted. `k` = services of the position, `d` =
reward denoms, `p` = pools on the validator, `h` = pools hit by the slash, `D` = distinct
services of the touched pools, `b` / `g` = unbonding batches / groups that lose stake,
`P` = history points due: every message's minimum writes include one point per series (the
hub's totals, a service) it is the first to change that day, as the design requires (see
"Daily history" in docs/design.md); the bench counts them from the writes to those keys.
A ratio above 1 is work the design does not need; below 1 would mean the minimum is wrong.

| message / scenario | must read | must write (set or delete), + P | min (P = 0) |
|---|---|---|--:|
| deposit / new position | config, totals, validator id, validator, validator info (the hourly bonded check), position (absent), the validator's plain pool, open votes (absent) | totals, validator, pool, position | 8 / 4 |
| deposit / existing position, k = 4 | as a new position, and 4 service states | the same and the 4 states | 12 / 8 |
| deposit / existing position, 1 open vote | as a new position, and the ballot and its 2 tallies (hub, validator) | totals, validator, pool, position, ballot, 2 tallies | 11 / 7 |
| opt_in / 4 services from none | config, totals, validator id, validator, position, old pool, new pool key, new pool, 4 states | totals, validator, position, both pools, 4 states | 12 / 9 |
| opt_out / 1 of 4 services | config, the service (its delay), validator id, validator, position, pool, 4 states (the pool settles before it changes) | position, pool | 10 / 2 |
| complete_opt_out / 1 of 4 services | config, totals, validator id, validator, position, old pool, new pool key, new pool, 4 states | totals, validator, position, both pools, 1 state | 12 / 6 |
| unbond / queued, k = 3 | config, totals, validator id, validator, validator info, position, pool, k states, open votes (the batch, its group and the entry are new) | totals, validator, position, pool, k states, batch, group, entry, queued index | 11 / 11 |
| unbond / sends batch, k = 4 | as queued | as queued, the completion index instead of the queued index | 12 / 12 |
| process_unbondings / send | config, totals, stats (slashed tokens to route again), validator, validator info, batch | totals, validator, batch, completion index, queued index (delete) | 6 / 5 |
| process_unbondings / settle (1 batch, 1 pool) | config, totals, stats, dust, validator, validator info, pool, batch, group | totals, stats, validator, pool, batch, group, completion index (delete) | 9 / 7 |
| claim_unbonded / 1 entry | config, totals, validator (exposure), pool, batch, group, entry | totals, validator, pool, group (delete), entry (delete) | 7 / 5 |
| distribute_rewards / d denoms | config, the asset id of each denom, the service state | the service state | 2 + d / 1 |
| receive / cw20 | config, the token's asset id, the service state | the service state | 3 / 1 |
| harvest / 1 validator | config, totals, validator id, validator, validator info | totals, validator | 5 / 2 |
| claim_rewards / k services, d denoms, 1 position | config, totals, the bonded asset and the d reward assets, validator, validator info, pool, position (with the iteration), the staker's pending rewards, k states | totals, validator, pool, position | 8 + k + d / 4 |
| vote / option, weighted change | config, validator, validator info, position (with the iteration), pool (its stake), ballot, 2 tallies, open votes | ballot, 2 tallies, and the open votes when the proposal is new to the staker | 9 / 4, 9 / 3 |
| slash / open | config, totals, service, validator id, one exposed pool (named by the service's pool index) | totals, the request, its 3 index entries (by service, by validator, the pending hold) | 5 / 5 |
| execute_slash | config, totals, stats, service, request, validator, validator info, the h pools hit (named by the service's pool index), D states, b batches, g groups | totals, stats, service, request, validator, the pending hold (delete), h pools, D states, b batches, g groups | 7 + h + D + b + g / 6 + h + D + b + g |
| sync_validator | config, totals, stats, validator id, validator, validator info, pool list, p pools, D states, b batches, g groups | totals, stats, validator, p pools, D states, b batches, g groups | 7 + p + D + b + g / 3 + p + D + b + g |
"#;
