//! Settlement: what each unbonding batch returned, from the chain's facts.
//!
//! Every validator's delegation is held by its own delegator proxy, so the tokens a
//! validator's undelegations return land in an account no other validator's returns reach:
//! a proxy's bonded-denom balance is exactly what its due batches returned (plus whatever a
//! stranger gave it). Settlement therefore goes account by account, and a loss on one
//! validator never reaches stake on another. (Validators a v0.1 hub delegated to from its own
//! account share that one account, as before.)
//!
//! For one account, the due batches (completion time passed) are settled together:
//! 1. if everything they expected arrived, each gets what it expected;
//! 2. otherwise their validators are synced (a chain slash of an entry in flight shows as a
//!    slash of the delegation, when there is one) and the shortfall goes to the batches that
//!    the detected slashes explain (see [`explaining_suspects`]), in proportion to the losses
//!    the slashes imply for them;
//! 3. a shortfall no detected slash explains (a validator the hub no longer delegates to, so
//!    nothing could show) is accepted once the chain has certainly paid the batches out — a
//!    strictly earlier block was past their completion — and shared pro rata by them;
//! 4. otherwise the latest batches may not be paid out yet (the chain pays at the end of the
//!    block), and what arrived cannot be told apart between them and the earlier ones: the
//!    set waits for a later block (settling the earlier ones alone let a short batch take a
//!    later batch's tokens).
//!
//! No plausibility limit applies: a 50 % chain slash of a batch in flight settles at 50 %.
//! Every due batch settles within two blocks of its completion time if anyone calls the
//! crank or claims, so no matured unbonding is locked for ever.
//!
//! Why one file: settlement is one argument (the four cases above) over one account's due
//! batches. Its steps are the named functions below, in the order they run: `settle_account`
//! takes the `due_batches`, settles those already decided (`settle_decided`), weighs what
//! `arrived` against the set (`decide`, with `suspected_losses`), then `apply_decision`
//! settles each batch (`settle_batch`) and `sweep_to_hub` brings the tokens home.

use cosmwasm_std::{Addr, Decimal256, Env, Order, StdResult, SubMsg, Uint128, Uint256};
use restake_types::math::{ceil_ratio, explaining_suspects, floor_ratio};
use restake_types::ProxyAction;

use crate::chain::{coin_of, Chain};
use crate::error::ContractError;
use crate::state::books::Books;
use crate::state::codec::read_uint;
use crate::state::{keys, BatchStatus, Delegator, Merged, BONDED_ASSET};

/// Most batches one message settles (each costs O(its pools) and a routing), so no message
/// grows with the number of validators whose batches fall due together; the rest wait for
/// the next claim or crank, earliest first.
pub const MAX_BATCHES_PER_MESSAGE: usize = 10;

/// Units per batch by which a shortfall may exceed the losses detected chain slashes imply
/// and still count as explained by them (the chain rounds each slashed entry on its own).
const EXPLAINED_SLACK_PER_BATCH: u128 = 2;

/// An account unbonding returns land in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Account {
    /// The delegator proxy of one validator.
    Proxy(u32),
    /// The hub's own account, for validators a v0.1 hub delegated to.
    Shared,
}

/// What one account's due batches returned, once decided.
struct Decision {
    batches: Vec<u64>,
    returns: Vec<Uint128>,
    /// Arrived tokens no batch is owed (rounding): nobody's.
    leftover: Uint128,
}

/// An account's due batches.
#[derive(Default)]
struct Due {
    /// Those whose return an earlier message decided.
    decided: Vec<u64>,
    /// The undecided ones, with their completion times.
    set: Vec<(u64, u64)>,
}

impl Books<'_> {
    pub fn account_of(&mut self, vid: u32) -> Result<Account, ContractError> {
        Ok(match self.validator_info(vid)?.delegator {
            Delegator::Hub => Account::Shared,
            _ => Account::Proxy(vid),
        })
    }

    /// The account's sent, unsettled batches: (id, completion), by completion.
    fn account_batches(&mut self, account: Account) -> Result<Vec<(u64, u64)>, ContractError> {
        Ok(match account {
            Account::Proxy(vid) => self.validator(vid)?.unsettled.clone(),
            Account::Shared => {
                let mut all = vec![];
                for vid in self.shared_account()?.clone() {
                    all.extend(self.validator(vid)?.unsettled.iter().copied());
                }
                restake_types::math::sort_small_by(&mut all, |a, b| (a.1, a.0) < (b.1, b.0));
                all
            }
        })
    }

    /// Notes the block: the time of an earlier block the hub saw is certain.
    fn observe_block(&mut self, env: &Env) -> StdResult<()> {
        let t = self.totals()?;
        if env.block.height > t.seen_height {
            t.earlier_time = t.earlier_time.max(t.seen_time);
            t.seen_height = env.block.height;
            t.seen_time = env.block.time.seconds();
        }
        Ok(())
    }

    /// The accounts of the earliest due batches of the hub, at most
    /// [`MAX_BATCHES_PER_MESSAGE`] batches read.
    pub fn earliest_due_accounts(&mut self, now: u64) -> Result<Vec<Account>, ContractError> {
        let due = self.range(
            &keys::due_prefix(),
            None,
            MAX_BATCHES_PER_MESSAGE,
            Order::Ascending,
        );
        let mut accounts = vec![];
        for (k, _) in due {
            let mut rest = k.as_slice();
            let completion = read_uint(&mut rest)?;
            let batch = read_uint(&mut rest)?;
            if completion > now {
                break;
            }
            let vid = self.batch(batch)?.vid;
            let account = self.account_of(vid)?;
            if !accounts.contains(&account) {
                accounts.push(account);
            }
        }
        Ok(accounts)
    }

    /// Settles the due batches of `accounts`, in that order, at most
    /// [`MAX_BATCHES_PER_MESSAGE`] in all. Returns the messages (sweeps from proxies first,
    /// then harvests and routings) and the number settled.
    pub fn settle_accounts(
        &mut self,
        chain: &Chain,
        accounts: &[Account],
    ) -> Result<(Vec<SubMsg>, u32), ContractError> {
        self.observe_block(chain.env)?;
        let mut msgs = vec![];
        let mut settled = 0;
        for account in accounts {
            if settled >= MAX_BATCHES_PER_MESSAGE {
                break;
            }
            let (m, n) = self.settle_account(chain, *account, MAX_BATCHES_PER_MESSAGE - settled)?;
            msgs.extend(m);
            settled += n;
        }
        Ok((msgs, settled as u32))
    }

    /// One account's due batches: those an earlier message decided first, then the rest as
    /// one set (see the module docs), within `budget` batches.
    fn settle_account(
        &mut self,
        chain: &Chain,
        account: Account,
        budget: usize,
    ) -> Result<(Vec<SubMsg>, usize), ContractError> {
        let hub = chain.hub().clone();
        let Due { decided, set } = self.due_batches(chain.now(), account)?;
        let (mut msgs, mut settled) = self.settle_decided(&hub, &decided, budget)?;
        let budget = budget - settled;
        if set.is_empty() || budget == 0 {
            return Ok((msgs, settled));
        }
        let arrived = self.arrived(chain, account)?;
        let mut harvests: Vec<(u32, Vec<ProxyAction>)> = vec![];
        let mut routed = vec![];
        if let Some(decision) = self.decide(chain, set, arrived, &mut harvests)? {
            let (r, n) = self.apply_decision(&hub, &decision, budget)?;
            routed = r;
            settled += n;
            self.sweep_to_hub(account, &decision, &mut harvests);
        }
        for (vid, actions) in harvests {
            let calls = self.calls(chain, vid, actions, vec![])?;
            msgs.extend(calls);
        }
        msgs.extend(routed);
        Ok((msgs, settled))
    }

    /// The account's batches whose completion time has passed.
    fn due_batches(&mut self, now: u64, account: Account) -> Result<Due, ContractError> {
        let mut due = Due::default();
        for (id, secs) in self.account_batches(account)? {
            if secs > now {
                continue;
            }
            match self.batch(id)?.decided {
                Some(_) => due.decided.push(id),
                None => due.set.push((id, secs)),
            }
        }
        Ok(due)
    }

    /// Settles batches whose return an earlier message decided (their tokens are reserved
    /// in the hub's account), at most `budget` of them.
    fn settle_decided(
        &mut self,
        hub: &Addr,
        decided: &[u64],
        budget: usize,
    ) -> Result<(Vec<SubMsg>, usize), ContractError> {
        let mut msgs = vec![];
        let mut settled = 0;
        for id in decided.iter().take(budget) {
            let returned = self.batch(*id)?.decided.take().unwrap_or_default();
            self.totals()?.reserved = self.totals()?.reserved.checked_sub(returned)?;
            msgs.extend(self.settle_batch(hub, *id, returned)?);
            settled += 1;
        }
        Ok((msgs, settled))
    }

    /// Settles the decision's first `budget` batches and fixes the returns of the rest for
    /// the next message; the leftover no batch is owed becomes dust.
    fn apply_decision(
        &mut self,
        hub: &Addr,
        decision: &Decision,
        budget: usize,
    ) -> Result<(Vec<SubMsg>, usize), ContractError> {
        let mut routed = vec![];
        let mut settled = 0;
        for (n, (id, returned)) in decision.batches.iter().zip(&decision.returns).enumerate() {
            if n < budget {
                routed.extend(self.settle_batch(hub, *id, *returned)?);
                settled += 1;
            } else {
                // Fixed now, settled by the next message: a later arrival can never move a
                // loss between the batches of one decision.
                self.batch(*id)?.decided = Some(*returned);
                self.totals()?.reserved = self.totals()?.reserved.checked_add(*returned)?;
            }
        }
        if !decision.leftover.is_zero() {
            self.totals()?.liquid_bonded += decision.leftover;
            let dust = self.dust(BONDED_ASSET)?;
            *dust += decision.leftover;
        }
        Ok((routed, settled))
    }

    /// The returns come to the hub (in the same proxy call as the validator's harvest)
    /// before anything is paid or routed from them. (A shared account is the hub's own.)
    fn sweep_to_hub(
        &mut self,
        account: Account,
        decision: &Decision,
        harvests: &mut Vec<(u32, Vec<ProxyAction>)>,
    ) {
        let Account::Proxy(vid) = account else {
            return;
        };
        let swept = decision
            .returns
            .iter()
            .fold(decision.leftover, |sum, r| sum + *r);
        if swept.is_zero() {
            return;
        }
        let amount = vec![coin_of(&self.config.bonded_denom, swept)];
        match harvests.iter_mut().find(|(v, _)| *v == vid) {
            Some((_, actions)) => actions.push(ProxyAction::SendToHub { amount }),
            None => harvests.push((vid, vec![ProxyAction::SendToHub { amount }])),
        }
        self.incoming += swept;
    }

    /// Bonded-denom tokens in the account that no settled batch has taken yet.
    fn arrived(&mut self, chain: &Chain, account: Account) -> Result<Uint128, ContractError> {
        let denom = self.config.bonded_denom.clone();
        Ok(match account {
            Account::Proxy(vid) => match self.delegator(vid)?.1 {
                Delegator::Proxy(proxy) => chain.balance(&proxy, &denom)?,
                _ => Uint128::zero(),
            },
            Account::Shared => (chain.balance(chain.hub(), &denom)? + self.incoming)
                .saturating_sub(self.totals()?.liquid_bonded)
                .saturating_sub(self.totals()?.reserved),
        })
    }

    /// Decides what each batch of `set` (one account's due batches, by completion)
    /// returned, following the steps of the module docs; `None` when it must wait.
    fn decide(
        &mut self,
        chain: &Chain,
        set: Vec<(u64, u64)>,
        arrived: Uint128,
        harvests: &mut Vec<(u32, Vec<ProxyAction>)>,
    ) -> Result<Option<Decision>, ContractError> {
        let certain_until = self.totals()?.earlier_time;
        let Some(&(_, latest)) = set.last() else {
            return Ok(None);
        };
        let ids: Vec<u64> = set.iter().map(|(id, _)| *id).collect();
        let mut expected_each = vec![];
        for id in &ids {
            expected_each.push(self.batch(*id)?.expected);
        }
        let expected: Uint128 = expected_each.iter().copied().sum();
        if arrived >= expected {
            // Everything due arrived: each batch gets what it expected. Anything more
            // stays in the account: a batch the chain returned before the hub's
            // completion time must find its tokens when it comes due.
            return Ok(Some(Decision {
                batches: ids,
                returns: expected_each,
                leftover: Uint128::zero(),
            }));
        }
        // A shortfall is shared only once every batch's validator has been synced since
        // the batch came due: a slash of an entry in flight shows there, and nowhere else.
        for id in &ids {
            if self.batch(*id)?.checked {
                continue;
            }
            let vid = self.batch(*id)?.vid;
            if !self.harvested.contains(&vid) {
                if self.harvested.len() >= MAX_BATCHES_PER_MESSAGE {
                    continue;
                }
                let (actions, _) = self.harvest_and_sync(chain, vid)?;
                if !actions.is_empty() {
                    harvests.push((vid, actions));
                }
            }
            self.batch(*id)?.checked = true;
        }
        for id in &ids {
            if !self.batch(*id)?.checked {
                // More validators to sync than one message may: the next call goes on.
                return Ok(None);
            }
        }
        let suspected = self.suspected_losses(&ids)?;
        let shortfall = expected - arrived;
        // Of the batches a detected slash may have hit, charge those whose losses explain
        // what is missing (a slash after a batch was paid out did not touch it).
        let weights: Vec<Uint128> = explaining_suspects(&suspected, shortfall)
            .into_iter()
            .zip(&suspected)
            .map(|(hit, w)| if hit { *w } else { Uint128::zero() })
            .collect();
        // The detected slashes explain the shortfall only if the losses they imply cover
        // it (to a few units of rounding per batch): anything more missing is tokens the
        // chain has not paid out yet, never a loss to book on the suspects.
        let implied: Uint128 = weights.iter().copied().sum();
        let slack = Uint128::from(EXPLAINED_SLACK_PER_BATCH * ids.len() as u128);
        let explained = !implied.is_zero() && shortfall <= implied + slack;
        if !(explained || latest <= certain_until) {
            // The latest batches may not have been paid out yet, or may have been: the
            // account cannot tell the earlier batches' returns apart from theirs, so the
            // whole set waits (one block: then the chain has certainly paid them).
            return Ok(None);
        }
        let returns = attribute_return(&expected_each, &weights, arrived, expected);
        let leftover = arrived - returns.iter().copied().sum::<Uint128>();
        Ok(Some(Decision {
            batches: ids,
            returns,
            leftover,
        }))
    }

    /// For each batch, the loss the chain slashes detected on its validator imply for it: a
    /// slash detected after the batch was sent that may have happened before it completed
    /// (the chain slashes unbonding entries still running, not ones it has paid out).
    fn suspected_losses(&mut self, batches: &[u64]) -> Result<Vec<Uint128>, ContractError> {
        let mut out = vec![];
        for id in batches {
            let batch = self.batch(*id)?.clone();
            let completed = batch.completion.map(|t| t.seconds()).unwrap_or(u64::MAX);
            let kept = self
                .chain_slashes(batch.vid)?
                .recent
                .iter()
                // Detected after the send (which synced first) and possibly before completion.
                .filter(|e| e.seq >= batch.slashes_at_send && e.after < completed)
                .fold(Decimal256::one(), |k, e| k * e.kept);
            let lost = Uint256::from(batch.expected)
                .mul_ceil(Decimal256::one() - kept.min(Decimal256::one()));
            out.push(Uint128::try_from(lost).unwrap_or(batch.expected));
        }
        Ok(out)
    }

    /// Settles one batch that returned `returned` tokens: each unbonding group keeps its
    /// share of the return and moves into its pool's claimable group; the slashed stake in it
    /// is routed; rounding leftovers become dust. Returns the routing messages.
    pub fn settle_batch(
        &mut self,
        hub: &Addr,
        batch_id: u64,
        returned: Uint128,
    ) -> Result<Vec<SubMsg>, ContractError> {
        let batch = self.batch(batch_id)?.clone();
        let expected = batch.expected;
        let scale = |amount: Uint128| -> Uint128 {
            if returned >= expected {
                amount
            } else {
                floor_ratio(amount, returned, expected).unwrap_or_default()
            }
        };
        let mut kept = Uint128::zero();
        let mut lost = Uint128::zero();
        let mut dust = Uint128::zero();
        for pool_id in &batch.pools {
            let mut pool = self.load_pool(*pool_id)?;
            if let Some(mut group) = self.group(batch_id, *pool_id)?.cloned() {
                let after = scale(group.group.tokens);
                lost += group.group.tokens - after;
                group.group.tokens = after;
                let reset = pool.matured.reset_if_unjoinable();
                dust += reset;
                lost += reset;
                let minted = if after.is_zero() {
                    Uint128::zero()
                } else {
                    pool.matured.join(after)?
                };
                group.merged = Some(Merged {
                    generation: pool.matured.generation,
                    shares: minted,
                    shares_left: minted,
                    group_shares_left: group.group.shares,
                });
                pool.matured_entries += group.entries;
                kept += after;
                self.put_group(batch_id, *pool_id, Some(group))?;
            }
            pool.batches.retain(|b| *b != batch_id);
            self.store_pool(pool)?;
        }
        let slashed = scale(batch.slashed);
        dust += returned.saturating_sub(kept + slashed);
        self.totals()?.liquid_bonded += returned;
        let d = self.dust(BONDED_ASSET)?;
        *d += dust;
        let stats = self.stats()?;
        stats.pending_routing = stats.pending_routing.checked_sub(batch.slashed)?;
        stats.chain_slashed += expected.saturating_sub(returned);
        let msgs: Vec<SubMsg> = self.route(hub, slashed)?.into_iter().collect();
        if let Some(completion) = batch.completion {
            self.mark(keys::due(completion.seconds(), batch_id), false)?;
        }
        let b = self.batch(batch_id)?;
        b.status = BatchStatus::Settled;
        b.returned = returned;
        let v = self.validator(batch.vid)?;
        v.unbonding = v.unbonding.checked_sub(lost)?;
        v.unsettled.retain(|(id, _)| *id != batch_id);
        v.in_flight = v.in_flight.saturating_sub(expected);
        Ok(msgs)
    }
}

/// Splits `arrived` (< `expected`) between batches: the shortfall goes to the batches in
/// proportion to their suspected losses, or pro rata to what they expected when no observed
/// slash explains it (or the weighted split cannot be honoured).
fn attribute_return(
    expected_each: &[Uint128],
    weights: &[Uint128],
    arrived: Uint128,
    expected: Uint128,
) -> Vec<Uint128> {
    let shortfall = expected - arrived;
    let total_weight: Uint128 = weights.iter().copied().sum();
    if !total_weight.is_zero() {
        let returns: Vec<Uint128> = expected_each
            .iter()
            .zip(weights)
            .map(|(e, w)| {
                let loss = ceil_ratio(shortfall, *w, total_weight)
                    .unwrap_or(*e)
                    .min(*e);
                *e - loss
            })
            .collect();
        if returns.iter().copied().sum::<Uint128>() <= arrived {
            return returns;
        }
    }
    expected_each
        .iter()
        .map(|e| floor_ratio(*e, arrived, expected).unwrap_or_default())
        .collect()
}
