//! Slash requests: one, or a page of them by service and status.

use cosmwasm_std::{Deps, Order};
use restake_types::*;

use crate::error::ContractError;
use crate::state::books::Books;
use crate::state::codec::read_uint;
use crate::state::{keys, SlashRequest};
use crate::validate;

use super::limit;

fn slash_response(
    books: &mut Books,
    id: u64,
    r: SlashRequest,
) -> Result<SlashRequestResponse, ContractError> {
    Ok(SlashRequestResponse {
        id,
        service_id: r.service,
        validator: books.valoper(r.vid)?,
        fraction: r.fraction,
        evidence: r.evidence,
        status: r.status,
        requested_at: r.requested_at,
        executable_at: r.executable_at,
        resolved_at: r.resolved_at,
        slashed_amount: r.slashed_bonded + r.slashed_unbonding,
        slashed_bonded: r.slashed_bonded,
        slashed_unbonding: r.slashed_unbonding,
    })
}

pub fn slash_request(deps: Deps, slash_id: u64) -> Result<SlashRequestResponse, ContractError> {
    let mut books = Books::read(deps.storage)?;
    let r = books
        .slash_request(slash_id)?
        .cloned()
        .ok_or(ContractError::SlashNotFound { id: slash_id })?;
    slash_response(&mut books, slash_id, r)
}

pub fn slash_requests(
    deps: Deps,
    service_id: Option<u64>,
    validator: Option<String>,
    status: Option<SlashStatus>,
    start_after: Option<u64>,
    l: Option<u32>,
) -> Result<SlashRequestsResponse, ContractError> {
    let mut books = Books::read(deps.storage)?;
    let validator = validator.map(|v| validate::validator(&v)).transpose()?;
    let vid = match &validator {
        Some(v) => match books.vid(v)? {
            Some(vid) => Some(vid),
            None => {
                return Ok(SlashRequestsResponse {
                    slash_requests: vec![],
                })
            }
        },
        None => None,
    };
    let prefix = match (service_id, vid) {
        (Some(s), _) => keys::slash_by_service_prefix(s),
        (None, Some(v)) => keys::slash_by_validator_prefix(v),
        (None, None) => keys::slash_prefix(),
    };
    let mut after = start_after.map(|s| {
        let mut b = vec![];
        crate::state::codec::push_uint(&mut b, s);
        b
    });
    let want = limit(l);
    let mut out = vec![];
    if want == 0 {
        return Ok(SlashRequestsResponse {
            slash_requests: out,
        });
    }
    // Filters may skip entries: read in pages until the page is full or the index ends.
    loop {
        let page = books.range(&prefix, after.as_deref(), want.max(10), Order::Ascending);
        let Some((last, _)) = page.last() else {
            break;
        };
        after = Some(last.clone());
        let full = page.len() < want.max(10);
        for (k, _) in page {
            let id = read_uint(&mut k.as_slice())?;
            let Some(r) = books.slash_request(id)?.cloned() else {
                continue;
            };
            if vid.is_some_and(|v| v != r.vid) || status.is_some_and(|s| s != r.status) {
                continue;
            }
            out.push(slash_response(&mut books, id, r)?);
            if out.len() == want {
                return Ok(SlashRequestsResponse {
                    slash_requests: out,
                });
            }
        }
        if full {
            break;
        }
    }
    Ok(SlashRequestsResponse {
        slash_requests: out,
    })
}
