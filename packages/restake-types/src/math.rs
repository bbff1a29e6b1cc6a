//! Pure accounting math: share groups and reward indexes.
//!
//! Every rounding here favours the hub (the group, the other holders) by less than one
//! unit: values and minted shares round down, burned shares and slashes round up.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Decimal, Decimal256, Uint128, Uint256};
use thiserror::Error;

#[derive(Error, Debug, PartialEq, Eq)]
pub enum MathError {
    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),
    #[error("division by zero in {0}")]
    DivideByZero(&'static str),
    #[error("amount {amount} exceeds the available {available}")]
    Insufficient { amount: Uint128, available: Uint128 },
    #[error("amount is too small to mint a share")]
    ZeroShares,
}

/// A share of this many or more per token means the group has been slashed to (almost)
/// nothing; it stops taking new members so that shares stay far from overflow.
pub const MAX_SHARES_PER_TOKEN: u128 = 1_000_000_000;

/// Tokens held jointly by many holders through shares: a slash or a rate change touches
/// the group, never the holders. `generation` changes when a group wiped out by slashing
/// is reused; shares of an older generation are worth nothing.
#[cw_serde]
#[derive(Default, Eq)]
pub struct ShareGroup {
    pub tokens: Uint128,
    pub shares: Uint128,
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub generation: u32,
}

fn is_zero_u32(v: &u32) -> bool {
    *v == 0
}

impl ShareGroup {
    /// True when new members may join at the current rate.
    pub fn is_joinable(&self) -> bool {
        self.shares.is_zero()
            || (!self.tokens.is_zero()
                && self.shares.u128() / self.tokens.u128() < MAX_SHARES_PER_TOKEN)
    }

    /// True when the group holds nothing and nobody holds shares of it.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_zero() && self.shares.is_zero()
    }

    /// Starts a fresh generation if the group is no longer joinable; the old shares keep
    /// whatever (at most dust) value they had, which moves out of the group with
    /// `take_dust`. Returns the dust tokens left behind.
    pub fn reset_if_unjoinable(&mut self) -> Uint128 {
        if self.is_joinable() {
            return Uint128::zero();
        }
        let dust = self.tokens;
        self.tokens = Uint128::zero();
        self.shares = Uint128::zero();
        self.generation += 1;
        dust
    }

    /// Adds `amount` tokens and returns the shares minted for them (rounded down).
    pub fn join(&mut self, amount: Uint128) -> Result<Uint128, MathError> {
        let minted = if self.shares.is_zero() {
            amount
        } else {
            if !self.is_joinable() {
                return Err(MathError::ZeroShares);
            }
            amount
                .checked_multiply_ratio(self.shares, self.tokens)
                .map_err(|_| MathError::Overflow("share mint"))?
        };
        if minted.is_zero() {
            return Err(MathError::ZeroShares);
        }
        self.tokens = self
            .tokens
            .checked_add(amount)
            .map_err(|_| MathError::Overflow("group tokens"))?;
        self.shares = self
            .shares
            .checked_add(minted)
            .map_err(|_| MathError::Overflow("group shares"))?;
        Ok(minted)
    }

    /// Tokens `shares` of generation `generation` are worth (rounded down).
    pub fn value(&self, shares: Uint128, generation: u32) -> Uint128 {
        if generation != self.generation || self.shares.is_zero() || shares.is_zero() {
            return Uint128::zero();
        }
        if shares >= self.shares {
            return self.tokens;
        }
        // shares < self.shares, so the result is below self.tokens: it cannot overflow.
        self.tokens.multiply_ratio(shares, self.shares)
    }

    /// Burns `shares` and returns the tokens they were worth (the last holder gets the rest).
    pub fn leave(&mut self, shares: Uint128, generation: u32) -> Result<Uint128, MathError> {
        if generation != self.generation {
            return Ok(Uint128::zero());
        }
        if shares > self.shares {
            return Err(MathError::Insufficient {
                amount: shares,
                available: self.shares,
            });
        }
        let value = self.value(shares, generation);
        self.tokens -= value;
        self.shares -= shares;
        Ok(value)
    }

    /// Removes exactly `amount` tokens from a holder of `holder_shares` and returns the
    /// shares burned (rounded up, so the others never pay for the rounding).
    pub fn leave_tokens(
        &mut self,
        amount: Uint128,
        holder_shares: Uint128,
        generation: u32,
    ) -> Result<Uint128, MathError> {
        let available = self.value(holder_shares, generation);
        if amount > available {
            return Err(MathError::Insufficient { amount, available });
        }
        let burned = if amount == available {
            holder_shares
        } else {
            ceil_ratio(amount, self.shares, self.tokens)
                .ok_or(MathError::Overflow("share burn"))?
                .min(holder_shares)
        };
        self.tokens -= amount;
        self.shares -= burned;
        Ok(burned)
    }

    /// Takes `fraction` of the tokens, rounded up (a slash never rounds to zero while
    /// there is something to take). Returns the amount taken.
    pub fn slash(&mut self, fraction: Decimal) -> Uint128 {
        let take = self.tokens.mul_ceil(fraction).min(self.tokens);
        self.tokens -= take;
        take
    }

    /// Takes a `loss` of at most the tokens held. Returns the amount taken.
    pub fn take(&mut self, loss: Uint128) -> Uint128 {
        let take = loss.min(self.tokens);
        self.tokens -= take;
        take
    }

    /// Removes tokens nobody owns (a group without shares). Returns them.
    pub fn take_dust(&mut self) -> Uint128 {
        if self.shares.is_zero() {
            std::mem::take(&mut self.tokens)
        } else {
            Uint128::zero()
        }
    }
}

/// ceil(a × b / c) with a 256-bit intermediate; None on overflow or c = 0.
/// Sorts a short slice in place, stably, by `key`: an insertion sort, far smaller in a wasm
/// than the standard library's sorts (which carry two algorithms per element type), and
/// as fast for the handful of elements the hub sorts.
pub fn sort_small_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && less(&v[j], &v[j - 1]) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// [`sort_small_by`] in the elements' own order.
pub fn sort_small<T: Ord>(v: &mut [T]) {
    sort_small_by(v, |a, b| a < b);
}

pub fn ceil_ratio(a: Uint128, b: Uint128, c: Uint128) -> Option<Uint128> {
    if c.is_zero() {
        return None;
    }
    let num = Uint256::from(a).checked_mul(Uint256::from(b)).ok()?;
    let c = Uint256::from(c);
    let q = num / c;
    let q = if (num % c).is_zero() {
        q
    } else {
        q + Uint256::one()
    };
    Uint128::try_from(q).ok()
}

/// Splits a `loss` over `amounts` pro rata, exactly: each part loses its share rounded
/// down, and the units the rounding leaves go one each to the parts with the largest
/// remainders (ties to the larger part, then the earlier). Never takes more than a part
/// holds; the result sums to min(loss, Σ amounts).
pub fn split_loss(amounts: &[Uint128], loss: Uint128) -> Vec<Uint128> {
    let total: Uint256 = amounts.iter().map(|a| Uint256::from(*a)).sum();
    if total.is_zero() || loss.is_zero() {
        return vec![Uint128::zero(); amounts.len()];
    }
    let loss = Uint256::from(loss).min(total);
    let mut out = Vec::with_capacity(amounts.len());
    let mut remainders = Vec::with_capacity(amounts.len());
    let mut assigned = Uint256::zero();
    for (i, a) in amounts.iter().enumerate() {
        // a × loss ≤ 2^128 × 2^128 fits in 256 bits
        let num = Uint256::from(*a) * loss;
        let share = num / total;
        assigned += share;
        out.push(Uint128::try_from(share).unwrap_or(*a));
        remainders.push((num % total, *a, i));
    }
    let mut left = loss - assigned;
    sort_small_by(&mut remainders, |x, y| (y.0, y.1, x.2) < (x.0, x.1, y.2));
    for (_, a, i) in remainders {
        if left.is_zero() {
            break;
        }
        if out[i] < a {
            out[i] += Uint128::one();
            left -= Uint256::one();
        }
    }
    out
}

/// At most this many suspects are matched subset by subset (2^n subsets); with more, all
/// of them share a shortfall.
pub const MAX_MATCHED_SUSPECTS: usize = 10;

/// Which suspects explain a `shortfall`: `suspected[i]` is the loss suspect `i` would show
/// if the slashes it may have met really hit it (0: not a suspect). Returns the suspects
/// of the subsets whose summed losses come closest to the shortfall (several equally close
/// subsets: the union of them, so an ambiguity is shared, not guessed). With no suspect, or
/// more than [`MAX_MATCHED_SUSPECTS`], every suspect is returned.
///
/// A chain slash that hit one batch in flight and one that came after another batch had
/// been paid out look alike to the hub; the amount that arrived tells them apart.
pub fn explaining_suspects(suspected: &[Uint128], shortfall: Uint128) -> Vec<bool> {
    let idx: Vec<usize> = (0..suspected.len())
        .filter(|i| !suspected[*i].is_zero())
        .collect();
    let all: Vec<bool> = suspected.iter().map(|w| !w.is_zero()).collect();
    if idx.is_empty() || idx.len() > MAX_MATCHED_SUSPECTS {
        return all;
    }
    let target = Uint256::from(shortfall);
    let mut best: Option<Uint256> = None;
    let mut union = vec![false; suspected.len()];
    for mask in 1u32..(1u32 << idx.len()) {
        let sum: Uint256 = idx
            .iter()
            .enumerate()
            .filter(|(bit, _)| mask & (1 << bit) != 0)
            .map(|(_, i)| Uint256::from(suspected[*i]))
            .sum();
        let distance = if sum > target {
            sum - target
        } else {
            target - sum
        };
        if best.is_none_or(|b| distance < b) {
            best = Some(distance);
            union = vec![false; suspected.len()];
        }
        if best == Some(distance) {
            for (bit, i) in idx.iter().enumerate() {
                if mask & (1 << bit) != 0 {
                    union[*i] = true;
                }
            }
        }
    }
    union
}

/// floor(a × b / c) with a 256-bit intermediate; None on overflow or c = 0.
pub fn floor_ratio(a: Uint128, b: Uint128, c: Uint128) -> Option<Uint128> {
    if c.is_zero() {
        return None;
    }
    a.checked_multiply_ratio(b, c).ok()
}

/// Reward per unit of stake added by paying `amount` over `stake` (rounded down, 18
/// decimals). 10^30 units over 1 unit of stake fits; 1 unit over 10^15 keeps 3 digits.
pub fn index_increment(amount: Uint128, stake: Uint128) -> Result<Decimal256, MathError> {
    if stake.is_zero() {
        return Err(MathError::DivideByZero("reward index"));
    }
    Decimal256::checked_from_ratio(amount, stake).map_err(|_| MathError::Overflow("reward index"))
}

/// Converts an index growth per unit of stake into growth per share of a group holding
/// `tokens` under `shares` (rounded down).
pub fn per_share(
    delta: Decimal256,
    tokens: Uint128,
    shares: Uint128,
) -> Result<Decimal256, MathError> {
    if shares.is_zero() {
        return Err(MathError::DivideByZero("per-share index"));
    }
    let atomics = delta
        .atomics()
        .checked_multiply_ratio(Uint256::from(tokens), Uint256::from(shares))
        .map_err(|_| MathError::Overflow("per-share index"))?;
    Ok(Decimal256::new(atomics))
}

/// Reward earned by `shares` over an index growth `delta` (kept with its fraction).
pub fn accrue(delta: Decimal256, shares: Uint128) -> Result<Decimal256, MathError> {
    let atomics = delta
        .atomics()
        .checked_mul(Uint256::from(shares))
        .map_err(|_| MathError::Overflow("reward accrual"))?;
    Ok(Decimal256::new(atomics))
}

/// The whole units of `amount` (rounded down) and the fraction left behind.
pub fn split_whole(amount: Decimal256) -> (Uint128, Decimal256) {
    let whole = amount.to_uint_floor();
    let whole128 = Uint128::try_from(whole).unwrap_or(Uint128::MAX);
    let taken = Decimal256::from_atomics(Uint256::from(whole128), 0).unwrap_or(Decimal256::MAX);
    (whole128, amount.saturating_sub(taken))
}

/// min(1, Σ fractions).
pub fn capped_sum(fractions: impl IntoIterator<Item = Decimal>) -> Decimal {
    fractions
        .into_iter()
        .fold(Decimal::zero(), |acc, f| acc.saturating_add(f))
        .min(Decimal::one())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn u(v: u128) -> Uint128 {
        Uint128::new(v)
    }

    fn us(v: &[u128]) -> Vec<Uint128> {
        v.iter().map(|x| u(*x)).collect()
    }

    #[test]
    fn the_subset_whose_losses_match_the_shortfall_is_charged() {
        // a slash that hit the first batch in flight (20), and one that came after the
        // second had been paid out (it would have cost 10): 20 short
        assert_eq!(
            explaining_suspects(&us(&[20, 10]), u(20)),
            vec![true, false]
        );
        assert_eq!(explaining_suspects(&us(&[20, 10]), u(30)), vec![true, true]);
        assert_eq!(
            explaining_suspects(&us(&[20, 10]), u(11)),
            vec![false, true]
        );
        // chain rounding: one unit off still picks the right one
        assert_eq!(
            explaining_suspects(&us(&[20, 10, 0]), u(19)),
            vec![true, false, false]
        );
        // equally close: shared by both rather than guessed
        assert_eq!(explaining_suspects(&us(&[10, 10]), u(10)), vec![true, true]);
        // no suspect: nobody is picked
        assert_eq!(explaining_suspects(&us(&[0, 0]), u(5)), vec![false, false]);
        // too many to match: all suspects share
        let many = us(&[1; MAX_MATCHED_SUSPECTS + 1]);
        assert!(explaining_suspects(&many, u(1)).iter().all(|b| *b));
    }

    #[test]
    fn join_leave_round_trip() {
        let mut g = ShareGroup::default();
        assert_eq!(g.join(u(100)).unwrap(), u(100));
        assert_eq!(g.join(u(50)).unwrap(), u(50));
        assert_eq!(g.slash(Decimal::percent(10)), u(15));
        assert_eq!(g.value(u(100), 0), u(90));
        assert_eq!(g.leave(u(100), 0).unwrap(), u(90));
        assert_eq!(g.leave(u(50), 0).unwrap(), u(45));
        assert!(g.is_empty());
    }

    #[test]
    fn slash_rounds_up_and_never_to_zero() {
        let mut g = ShareGroup::default();
        g.join(u(1)).unwrap();
        assert_eq!(g.slash(Decimal::permille(1)), u(1));
        assert!(!g.is_joinable());
        assert_eq!(g.reset_if_unjoinable(), u(0));
        assert_eq!(g.generation, 1);
        assert_eq!(g.value(u(1), 0), u(0));
        assert_eq!(g.join(u(7)).unwrap(), u(7));
    }

    #[test]
    fn leave_tokens_burns_up() {
        let mut g = ShareGroup::default();
        g.join(u(3)).unwrap();
        g.join(u(3)).unwrap();
        g.slash(Decimal::percent(50)); // 3 tokens for 6 shares
                                       // 4 of the 6 shares are worth 2 tokens; taking 1 burns 2 shares (rounded up).
        let burned = g.leave_tokens(u(1), u(4), 0).unwrap();
        assert_eq!(burned, u(2));
        assert_eq!(g.tokens, u(2));
        assert_eq!(g.shares, u(4));
    }

    #[test]
    fn index_precision_and_range() {
        // 1 unit over 10^15 units of stake keeps its value.
        let idx = index_increment(u(1), u(1_000_000_000_000_000)).unwrap();
        let earned = accrue(idx, u(1_000_000_000_000_000)).unwrap();
        assert_eq!(split_whole(earned).0, u(1));
        // 10^30 over a single unit of stake does not overflow.
        let idx = index_increment(u(10u128.pow(30)), u(1)).unwrap();
        assert_eq!(split_whole(accrue(idx, u(1)).unwrap()).0, u(10u128.pow(30)));
        assert!(index_increment(u(1), u(0)).is_err());
    }

    #[test]
    fn split_loss_is_exact() {
        let parts = [u(100), u(50), u(1), u(0)];
        let l = split_loss(&parts, u(10));
        assert_eq!(l.iter().map(|v| v.u128()).sum::<u128>(), 10);
        assert_eq!(l, vec![u(7), u(3), u(0), u(0)]);
        assert_eq!(split_loss(&parts, u(1_000)), parts.to_vec());
    }

    proptest! {
        #[test]
        fn split_loss_sums_and_stays_proportional(
            amounts in proptest::collection::vec(0u128..1_000_000_000_000, 1..40),
            loss in 0u128..2_000_000_000_000,
        ) {
            let parts: Vec<Uint128> = amounts.iter().map(|a| u(*a)).collect();
            let total: u128 = amounts.iter().sum();
            let out = split_loss(&parts, u(loss));
            let sum: u128 = out.iter().map(|v| v.u128()).sum();
            prop_assert_eq!(sum, loss.min(total));
            for (a, l) in amounts.iter().zip(&out) {
                prop_assert!(l.u128() <= *a);
                if total > 0 {
                    let exact = Uint256::from(*a) * Uint256::from(loss.min(total)) / Uint256::from(total);
                    let exact = Uint128::try_from(exact).unwrap().u128();
                    prop_assert!(l.u128() == exact || l.u128() == exact + 1);
                }
            }
        }

        /// Whatever the joins, leaves and slashes, holders are never owed more than the
        /// group holds.
        #[test]
        fn holders_never_owed_more_than_held(
            ops in proptest::collection::vec((0u8..3, 1u128..1_000_000_000_000u128, 0u64..1000), 1..60)
        ) {
            let mut g = ShareGroup::default();
            let mut holders: Vec<(Uint128, u32)> = vec![];
            for (kind, amount, pick) in ops {
                match kind {
                    0 => {
                        g.reset_if_unjoinable();
                        if let Ok(s) = g.join(u(amount)) { holders.push((s, g.generation)); }
                    }
                    1 if !holders.is_empty() => {
                        let i = (pick as usize) % holders.len();
                        let (s, gen) = holders.remove(i);
                        let before = g.tokens;
                        let v = g.leave(s, gen).unwrap();
                        prop_assert!(v <= before);
                    }
                    _ => {
                        let f = Decimal::permille(pick);
                        let before = g.tokens;
                        let taken = g.slash(f);
                        prop_assert!(taken >= before.mul_floor(f));
                        prop_assert!(taken <= before.mul_ceil(f));
                    }
                }
                let owed: u128 = holders.iter().map(|(s, gen)| g.value(*s, *gen).u128()).sum();
                prop_assert!(owed <= g.tokens.u128());
            }
        }

        /// Index accrual against a naive model: every holder's reward is within one unit of
        /// stake × payment / total stake, and the sum never exceeds what was paid.
        #[test]
        fn index_matches_naive(
            stakes in proptest::collection::vec(1u128..1_000_000_000_000_000u128, 1..8),
            payments in proptest::collection::vec(1u128..1_000_000_000_000_000_000u128, 1..8),
        ) {
            let total: u128 = stakes.iter().sum();
            let mut index = Decimal256::zero();
            for p in &payments {
                index += index_increment(u(*p), u(total)).unwrap();
            }
            let mut paid_out = 0u128;
            let paid_in: u128 = payments.iter().sum();
            for s in &stakes {
                let got = split_whole(accrue(index, u(*s)).unwrap()).0.u128();
                let sum: Uint256 = payments.iter().map(|p| Uint256::from(*p) * Uint256::from(*s)).fold(Uint256::zero(), |a, b| a + b);
                let exact = Uint128::try_from(sum / Uint256::from(total)).unwrap().u128();
                prop_assert!(got <= exact);
                prop_assert!(got + (payments.len() as u128) + 1 >= exact);
                paid_out += got;
            }
            prop_assert!(paid_out <= paid_in);
        }
    }
}
