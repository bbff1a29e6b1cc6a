//! A bounded daily history of the hub's totals and of each service's stake and rewards,
//! kept by the contract so a dashboard needs no indexer.
//!
//! The running values live in records every message already maintains (`Totals` for the
//! hub, `ServiceState` for a service), each stamped with the UTC day of its last change.
//! When a message changes one on a later day, the values as loaded are the end-of-day values
//! of that earlier day: they are written once as that day's point. A series is a ring of
//! `HISTORY_DAYS + 1` slots, the point of day `d` in slot `d mod (HISTORY_DAYS + 1)` with its
//! day beside it, so a new point overwrites the one of `HISTORY_DAYS + 1` days before in
//! place: no point is ever deleted and no write reads the series. So a day costs one point
//! write per series that changed, paid by the first message of the day that changes it, and
//! that write costs the same on the hub's first day as after years; a series holds at most
//! `HISTORY_DAYS + 1` points. Queries skip a slot whose day is out of their window. A day
//! without a point left the values as they were.

use cosmwasm_std::{Deps, Env, Order, StdResult, Uint128};
use restake_types::{
    Asset, HubHistoryResponse, HubPoint, RewardIndexPoint, ServiceHistoryResponse, ServicePoint,
};

use crate::error::ContractError;
use crate::state::books::Books;
use crate::state::codec::{from_bytes, read_uint, to_bytes, Pack};
use crate::state::{keys, ns, ServicePointRecord, ServiceState, Totals, DAY};

/// Days of history kept per series.
pub const HISTORY_DAYS: u64 = 90;
/// Days a history query answers when it does not say.
pub const DEFAULT_HISTORY_DAYS: u32 = 30;

/// The slot of day `day`'s point in its series' ring.
pub fn slot(day: u64) -> u64 {
    day % (HISTORY_DAYS + 1)
}

impl Books<'_> {
    /// Before the closing write (see the module docs).
    pub(crate) fn record_history(&mut self) -> StdResult<()> {
        let today = self.today;
        if today == 0 {
            return Ok(());
        }
        // (point key, point bytes)
        let mut points: Vec<(Vec<u8>, Vec<u8>)> = vec![];
        for (_, original, now) in self.changed::<Totals>(ns::TOTALS) {
            let old: Totals = match original {
                Some(bytes) => from_bytes(&bytes)?,
                None => Totals::default(),
            };
            if (old.bonded, old.restaked) == (now.bonded, now.restaked) {
                continue;
            }
            if old.flow_day != 0 && old.flow_day < today {
                points.push((
                    keys::hub_point(slot(old.flow_day)),
                    to_bytes(&(old.flow_day, (old.bonded, old.restaked))),
                ));
            }
            now.flow_day = today;
        }
        for (key, original, now) in self.changed::<ServiceState>(ns::SERVICE_STATE) {
            let service = read_uint(&mut &key[1..])?;
            if let Some(bytes) = original {
                let old: ServiceState = from_bytes(&bytes)?;
                if old.day < today {
                    points.push((
                        keys::service_point(service, slot(old.day)),
                        to_bytes(&(old.day, point_of(&old))),
                    ));
                }
            }
            now.day = today;
        }
        for (key, bytes) in points {
            self.put_now(&key, Some(&bytes))?;
        }
        Ok(())
    }
}

fn point_of(s: &ServiceState) -> ServicePointRecord {
    ServicePointRecord {
        stake: s.total_stake,
        indexes: s.indexes.iter().map(|i| (i.asset, i.index)).collect(),
    }
}

/// The first day a query for `days` days answers from.
fn first_day(env: &Env, days: Option<u32>) -> u64 {
    let days = u64::from(days.unwrap_or(DEFAULT_HISTORY_DAYS)).min(HISTORY_DAYS);
    (env.block.time.seconds() / DAY).saturating_sub(days)
}

/// The stored points of a series from day `from` on, oldest first: (day, the point's
/// bytes after its day). The ring holds at most `HISTORY_DAYS + 1` slots; the days of a
/// window of that many days fill distinct slots in day order from `slot(from)` round, so
/// the points in the slots below `slot(from)`, read first, are the newest.
fn series(books: &Books, prefix: &[u8], from: u64) -> StdResult<Vec<(u64, Vec<u8>)>> {
    let mut points = vec![];
    let mut wrapped = 0;
    for (key, bytes) in books.range(prefix, None, HISTORY_DAYS as usize + 1, Order::Ascending) {
        let mut rest = bytes.as_slice();
        let day = u64::unpack(&mut rest)?;
        if day >= from {
            if read_uint(&mut key.as_slice())? < slot(from) {
                wrapped += 1;
            }
            points.push((day, rest.to_vec()));
        }
    }
    // Collected by slot: the wrapped (newest) days first; they go last.
    points.rotate_left(wrapped);
    Ok(points)
}

pub fn hub_history(
    deps: Deps,
    env: &Env,
    days: Option<u32>,
) -> Result<HubHistoryResponse, ContractError> {
    let from = first_day(env, days);
    let mut books = Books::read(deps.storage)?;
    let mut points = vec![];
    for (day, bytes) in series(&books, &[ns::HUB_POINT], from)? {
        let (bonded, restaked): (Uint128, Uint128) = from_bytes(&bytes)?;
        points.push(HubPoint {
            day,
            bonded,
            restaked,
        });
    }
    let flow = books.totals()?.clone();
    let today = env.block.time.seconds() / DAY;
    // The running values changed last on an earlier day: they are that day's point.
    if flow.flow_day != 0 && flow.flow_day < today && flow.flow_day >= from {
        points.push(HubPoint {
            day: flow.flow_day,
            bonded: flow.bonded,
            restaked: flow.restaked,
        });
    }
    Ok(HubHistoryResponse {
        points,
        now: HubPoint {
            day: today,
            bonded: flow.bonded,
            restaked: flow.restaked,
        },
    })
}

pub fn service_history(
    deps: Deps,
    env: &Env,
    service_id: u64,
    days: Option<u32>,
) -> Result<ServiceHistoryResponse, ContractError> {
    let from = first_day(env, days);
    let mut books = Books::read(deps.storage)?;
    let state = books
        .service_state(service_id)?
        .cloned()
        .ok_or(ContractError::ServiceNotFound { id: service_id })?;
    let mut points = vec![];
    for (day, bytes) in series(&books, &keys::service_points(service_id), from)? {
        let p: ServicePointRecord = from_bytes(&bytes)?;
        points.push(service_point(&mut books, day, &p)?);
    }
    let today = env.block.time.seconds() / DAY;
    let now = point_of(&state);
    if state.day < today && state.day >= from {
        points.push(service_point(&mut books, state.day, &now)?);
    }
    Ok(ServiceHistoryResponse {
        service_id,
        points,
        now: service_point(&mut books, today, &now)?,
    })
}

fn service_point(
    books: &mut Books,
    day: u64,
    p: &ServicePointRecord,
) -> Result<ServicePoint, ContractError> {
    let mut reward_indexes = vec![];
    for (asset, index) in &p.indexes {
        let (denom, cw20) = match books.asset(*asset)? {
            Asset::Native(d) => (Some(d), None),
            Asset::Cw20(a) => (None, Some(a)),
        };
        reward_indexes.push(RewardIndexPoint {
            denom,
            cw20,
            index: *index,
        });
    }
    Ok(ServicePoint {
        day,
        stake: p.stake,
        reward_indexes,
    })
}
