//! Which stake a pending slash request freezes, and for how long.
//!
//! A pending request of service S against validator V freezes the stake on V that secures
//! S: no deposit or opt-in may put stake into it (newcomers never pay for an infraction they
//! did not secure), and it holds the exits of that stake — but only exits that became ready
//! after the request was opened. An opt-out whose delay ended, or an unbonding that
//! completed, before a request was opened is not held by it (it stays slashable until it is
//! taken), so no sequence of requests holds anyone longer than one veto window past the
//! moment their exit became ready: after its window anyone may execute the request.
//!
//! Pending requests are indexed by (validator, service, time opened), so each check is one
//! read of the earliest entry, whatever the number of requests.

use cosmwasm_std::{Order, StdResult};

use crate::state::books::Books;
use crate::state::codec::read_uint;
use crate::state::keys;

impl Books<'_> {
    /// Records a pending request (or forgets it once executed or vetoed).
    pub fn set_pending(
        &mut self,
        vid: u32,
        service: u64,
        opened: u64,
        id: u64,
        pending: bool,
    ) -> StdResult<()> {
        self.mark(keys::pending(vid, service, opened, id), pending)
    }

    /// When the earliest pending request of `service` against the validator was opened.
    pub fn earliest_pending(&self, vid: u32, service: u64) -> StdResult<Option<u64>> {
        let first = self.range(
            &keys::pending_prefix(vid, service),
            None,
            1,
            Order::Ascending,
        );
        match first.first() {
            Some((k, _)) => Ok(Some(read_uint(&mut k.as_slice())?)),
            None => Ok(None),
        }
    }

    /// The first of `services` with a pending request against the validator: stake
    /// securing it takes no newcomers.
    pub fn exposed(&self, vid: u32, services: &[u64]) -> StdResult<Option<u64>> {
        for s in services {
            if self.earliest_pending(vid, *s)?.is_some() {
                return Ok(Some(*s));
            }
        }
        Ok(None)
    }

    /// The first of `services` with a pending request against the validator opened before
    /// `ready` (seconds): it holds an exit that became ready at `ready`.
    pub fn holding(&self, vid: u32, services: &[u64], ready: u64) -> StdResult<Option<u64>> {
        for s in services {
            if self
                .earliest_pending(vid, *s)?
                .is_some_and(|opened| opened < ready)
            {
                return Ok(Some(*s));
            }
        }
        Ok(None)
    }
}
