//! Service slash requests: open, veto, execute.
//!
//! A slash of service S on validator V takes its fraction from every pool on V that
//! includes S: bonded stake, unbonding groups still in batches, and claimable unbondings
//! alike. It touches pools and groups, never positions, so it costs O(pools on V), which
//! `max_pools_per_validator` caps. Each pool loses its fraction of all its exposed stake,
//! rounded up once (never per part), shared between its parts by largest remainders.

use cosmwasm_std::{to_json_binary, Decimal, DepsMut, Env, MessageInfo, Response, SubMsg, Uint128};
use restake_types::math::split_loss;
use restake_types::{SlashResponse, SlashStatus};

use crate::chain::Chain;
use crate::error::{nonpayable, ContractError, Guarded, Role};
use crate::routing::destination_name;
use crate::state::books::Books;
use crate::state::{keys, Service, SlashRequest};
use crate::validate;

/// Largest evidence text stored with a request.
pub const MAX_EVIDENCE_LEN: usize = 2048;

/// What executing a request did.
struct Executed {
    msgs: Vec<SubMsg>,
    bonded: Uint128,
    unbonding: Uint128,
    routed_now: Uint128,
    pools: u32,
}

impl Books<'_> {
    /// Any stake on the validator (bonded or unbonding) secures the service.
    fn has_exposed_stake(&mut self, service: u64, vid: u32) -> Result<bool, ContractError> {
        for id in self.service_pools_on(service, vid)? {
            if self.pool(id)?.is_live() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn pending_request(&mut self, slash_id: u64) -> Result<SlashRequest, ContractError> {
        let request = self
            .slash_request(slash_id)?
            .cloned()
            .ok_or(ContractError::SlashNotFound { id: slash_id })?;
        if request.status != SlashStatus::Pending {
            return Err(ContractError::SlashNotPending {
                id: slash_id,
                status: request.status,
            });
        }
        Ok(request)
    }

    fn resolve(&mut self, id: u64, request: &SlashRequest) -> Result<(), ContractError> {
        self.set_pending(
            request.vid,
            request.service,
            request.requested_at.seconds(),
            id,
            false,
        )?;
        Ok(())
    }

    /// Applies a pending request: takes its fraction from every exposed pool on the
    /// validator, queues the slashed bonded stake for undelegation, routes slashed claimable
    /// tokens at once.
    fn execute_request(
        &mut self,
        chain: &Chain,
        id: u64,
        service: &mut Service,
        request: &mut SlashRequest,
    ) -> Result<Executed, ContractError> {
        let vid = request.vid;
        let (actions, _) = self.harvest_and_sync(chain, vid)?;
        let mut msgs: Vec<SubMsg> = self.calls(chain, vid, actions, vec![])?;
        let fraction = request.fraction;
        let mut bonded_taken = Uint128::zero();
        let mut in_batches_taken = Uint128::zero();
        let mut claimable_taken = Uint128::zero();
        let mut pools_hit = 0u32;
        // The service's pools in the validator's slots (its index: the pools that do not
        // secure it are not read).
        for pool_id in self.service_pools_on(request.service, vid)? {
            let mut pool = self.load_pool(pool_id)?;
            pools_hit += 1;
            self.settle_pool(&mut pool)?;
            let mut groups = vec![];
            for batch_id in pool.batches.clone() {
                if let Some(group) = self.group(batch_id, pool.id)? {
                    groups.push((batch_id, group.clone()));
                }
            }
            // The pool's parts: bonded, each unbonding group, claimable.
            let parts: Vec<Uint128> = [pool.bonded.tokens]
                .into_iter()
                .chain(groups.iter().map(|(_, g)| g.group.tokens))
                .chain([pool.matured.tokens])
                .collect();
            let exposed: Uint128 = parts.iter().copied().sum();
            let take = exposed.mul_ceil(fraction).min(exposed);
            let losses = split_loss(&parts, take);
            let taken = pool.bonded.take(losses[0]);
            if !taken.is_zero() {
                self.bonded_removed(&pool, taken)?;
                let batch_id = self.queued_batch(chain.env, vid)?;
                self.batch(batch_id)?.slashed += taken;
                self.validator(vid)?.queued += taken;
                bonded_taken += taken;
            }
            for ((batch_id, mut group), loss) in groups.into_iter().zip(&losses[1..]) {
                let taken = group.group.take(*loss);
                if !taken.is_zero() {
                    self.batch(batch_id)?.slashed += taken;
                    in_batches_taken += taken;
                    self.put_group(batch_id, pool.id, Some(group))?;
                }
            }
            let last = losses.last().copied().unwrap_or_default();
            claimable_taken += pool.matured.take(last);
            self.store_pool(pool)?;
        }
        let unbonding_taken = in_batches_taken + claimable_taken;
        let v = self.validator(vid)?;
        v.unbonding = v.unbonding.checked_sub(unbonding_taken)?;
        let total = bonded_taken + unbonding_taken;
        let stats = self.stats()?;
        stats.total_slashed += total;
        stats.pending_routing += bonded_taken + in_batches_taken;
        // The slashed bonded stake leaves with the validator's next undelegation (the next
        // unbond or `process_unbondings`), so a slash never spends an unbonding epoch alone.
        msgs.extend(self.route(chain.hub(), claimable_taken)?);
        self.resolve(id, request)?;
        request.status = SlashStatus::Executed;
        request.resolved_at = Some(chain.env.block.time);
        request.slashed_bonded = bonded_taken;
        request.slashed_unbonding = unbonding_taken;
        service.total_slashed += total;
        Ok(Executed {
            msgs,
            bonded: bonded_taken,
            unbonding: unbonding_taken,
            routed_now: claimable_taken,
            pools: pools_hit,
        })
    }
}

fn executed_attrs(response: Response, e: Executed, books: &Books) -> Response {
    response
        .add_submessages(e.msgs)
        .add_attribute("slashed_amount", (e.bonded + e.unbonding).to_string())
        .add_attribute("slashed_bonded", e.bonded.to_string())
        .add_attribute("slashed_unbonding", e.unbonding.to_string())
        .add_attribute("pools_slashed", e.pools.to_string())
        .add_attribute("routed_now", e.routed_now.to_string())
        .add_attribute(
            "destination",
            destination_name(&books.config.slash_destination),
        )
}

pub fn slash(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    service_id: u64,
    validator: String,
    fraction: Decimal,
    evidence: String,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let chain = Chain {
        querier: deps.querier,
        env: &env,
    };
    let mut books = Books::open(deps.storage, &env)?;
    let mut service = books.service_terms(service_id)?;
    if info.sender != service.slasher {
        return Err(ContractError::unauthorized(
            Guarded::OpenSlashRequests { service_id },
            Role::ServiceSlasher,
        ));
    }
    if fraction.is_zero() {
        return Err(ContractError::FractionZero);
    }
    if fraction > service.max_slash {
        return Err(ContractError::FractionAboveMax {
            fraction,
            max: service.max_slash,
        });
    }
    if evidence.len() > MAX_EVIDENCE_LEN {
        return Err(ContractError::EvidenceTooLong {
            max: MAX_EVIDENCE_LEN,
        });
    }
    let validator = validate::validator(&validator)?;
    let nothing = || ContractError::NothingToSlash {
        service_id,
        validator: validator.clone(),
    };
    let vid = books.vid(&validator)?.ok_or_else(nothing)?;
    if !books.has_exposed_stake(service_id, vid)? {
        return Err(nothing());
    }
    books.totals()?.next_slash += 1;
    let id = books.totals()?.next_slash;
    let mut request = SlashRequest {
        service: service_id,
        vid,
        fraction,
        evidence,
        status: SlashStatus::Pending,
        requested_at: env.block.time,
        executable_at: env.block.time.plus_seconds(service.veto_period),
        resolved_at: None,
        slashed_bonded: Uint128::zero(),
        slashed_unbonding: Uint128::zero(),
    };
    books.set_pending(vid, service_id, env.block.time.seconds(), id, true)?;
    books.mark(keys::slash_by_service(service_id, id), true)?;
    books.mark(keys::slash_by_validator(vid, id), true)?;
    let mut response = Response::new()
        .set_data(to_json_binary(&SlashResponse { slash_id: id })?)
        .add_attribute("action", "slash")
        .add_attribute("slash_id", id.to_string())
        .add_attribute("service_id", service_id.to_string())
        .add_attribute("validator", &validator)
        .add_attribute("fraction", fraction.to_string())
        .add_attribute("executable_at", request.executable_at.to_string());
    if service.veto_period == 0 {
        let executed = books.execute_request(&chain, id, &mut service, &mut request)?;
        response = executed_attrs(response.add_attribute("executed", "true"), executed, &books);
        books.put_service(service_id, service)?;
    }
    books.create_slash_request(id, request);
    books.finish()?;
    Ok(response)
}

pub fn veto_slash(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    slash_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let is_owner = cw_ownable::assert_owner(deps.storage, &info.sender).is_ok();
    let mut books = Books::open(deps.storage, &env)?;
    let mut request = books.pending_request(slash_id)?;
    let service = books.service_terms(request.service)?;
    let is_resolver = service.resolver.as_ref() == Some(&info.sender);
    if !is_resolver && !is_owner {
        return Err(ContractError::unauthorized(
            Guarded::VetoSlash { id: slash_id },
            Role::ServiceResolverOrHubOwner,
        ));
    }
    if env.block.time >= request.executable_at {
        return Err(ContractError::VetoWindowClosed {
            id: slash_id,
            executable_at: request.executable_at,
        });
    }
    books.resolve(slash_id, &request)?;
    request.status = SlashStatus::Vetoed;
    request.resolved_at = Some(env.block.time);
    let (service_id, vid) = (request.service, request.vid);
    books.put_slash_request(slash_id, request)?;
    let validator = books.valoper(vid)?;
    books.finish()?;
    Ok(Response::new()
        .add_attribute("action", "veto_slash")
        .add_attribute("slash_id", slash_id.to_string())
        .add_attribute("service_id", service_id.to_string())
        .add_attribute("validator", validator)
        .add_attribute("vetoed_by", info.sender))
}

pub fn execute_slash(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    slash_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let chain = Chain {
        querier: deps.querier,
        env: &env,
    };
    let mut books = Books::open(deps.storage, &env)?;
    let mut request = books.pending_request(slash_id)?;
    if env.block.time < request.executable_at {
        return Err(ContractError::VetoWindowOpen {
            id: slash_id,
            executable_at: request.executable_at,
        });
    }
    let mut service = books.service_terms(request.service)?;
    let executed = books.execute_request(&chain, slash_id, &mut service, &mut request)?;
    let (service_id, vid) = (request.service, request.vid);
    let validator = books.valoper(vid)?;
    let response = Response::new()
        .add_attribute("action", "execute_slash")
        .add_attribute("slash_id", slash_id.to_string())
        .add_attribute("service_id", service_id.to_string())
        .add_attribute("validator", validator);
    let response = executed_attrs(response, executed, &books);
    books.put_slash_request(slash_id, request)?;
    books.put_service(service_id, service)?;
    books.finish()?;
    Ok(response)
}
