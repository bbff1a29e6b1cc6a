//! Pure share and rounding math. Every rounding favours the vault (the holders who stay).

use cosmwasm_std::{Decimal, Decimal256, OverflowError, OverflowOperation, Uint128, Uint256};

/// Virtual shares and assets (OpenZeppelin's ERC-4626 "decimals offset"): the price is
/// `(nav + VIRTUAL_ASSETS) / (shares + VIRTUAL_SHARES)`. A first depositor who inflates the
/// price by donating value gives most of the donation to these virtual shares, so the
/// classic first-depositor attack costs the attacker about a thousand times what it takes
/// from a victim. It also starts a share unit at 1/1000 of a token, so share rounding costs
/// a depositor at most a thousandth of a token.
pub const VIRTUAL_SHARES: u128 = 1_000;
pub const VIRTUAL_ASSETS: u128 = 1;

fn overflow() -> OverflowError {
    OverflowError::new(OverflowOperation::Mul)
}

/// ⌊a × b / c⌋ (c > 0).
pub fn mul_div_floor(a: Uint128, b: Uint128, c: Uint128) -> Result<Uint128, OverflowError> {
    if c.is_zero() {
        return Err(overflow());
    }
    let r = a.full_mul(b) / Uint256::from(c);
    Uint128::try_from(r).map_err(|_| overflow())
}

/// ⌈a × b / c⌉ (c > 0).
pub fn mul_div_ceil(a: Uint128, b: Uint128, c: Uint128) -> Result<Uint128, OverflowError> {
    if c.is_zero() {
        return Err(overflow());
    }
    let c256 = Uint256::from(c);
    let p = a.full_mul(b);
    let r = p / c256
        + if (p % c256).is_zero() {
            Uint256::zero()
        } else {
            Uint256::one()
        };
    Uint128::try_from(r).map_err(|_| overflow())
}

/// Shares a deposit of `amount` mints, rounded down.
pub fn shares_for(
    amount: Uint128,
    nav: Uint128,
    shares: Uint128,
) -> Result<Uint128, OverflowError> {
    mul_div_floor(
        amount,
        shares.checked_add(Uint128::new(VIRTUAL_SHARES))?,
        nav.checked_add(Uint128::new(VIRTUAL_ASSETS))?,
    )
}

/// Tokens `burned` shares are worth, rounded down.
pub fn assets_for(
    burned: Uint128,
    nav: Uint128,
    shares: Uint128,
) -> Result<Uint128, OverflowError> {
    mul_div_floor(
        burned,
        nav.checked_add(Uint128::new(VIRTUAL_ASSETS))?,
        shares.checked_add(Uint128::new(VIRTUAL_SHARES))?,
    )
}

/// Price of one share unit at (nav, shares).
pub fn price(nav: Uint128, shares: Uint128) -> Decimal {
    Decimal::checked_from_ratio(
        nav.u128().saturating_add(VIRTUAL_ASSETS),
        shares.u128().saturating_add(VIRTUAL_SHARES),
    )
    .unwrap_or(Decimal::MAX)
}

/// The fraction of a stake left after every request executes, one after the other (each
/// takes its fraction of what the previous ones left): 1 − Π(1 − fᵢ).
pub fn loss_factor(fractions: &[Decimal]) -> Decimal256 {
    let mut kept = Decimal256::one();
    for f in fractions {
        let f = Decimal256::from(*f).min(Decimal256::one());
        kept *= Decimal256::one() - f;
    }
    Decimal256::one() - kept
}

pub fn mul_floor256(amount: Uint128, f: Decimal256) -> Uint128 {
    let r = Uint256::from(amount).mul_floor(f);
    Uint128::try_from(r).unwrap_or(amount)
}

pub fn mul_ceil256(amount: Uint128, f: Decimal256) -> Uint128 {
    let r = Uint256::from(amount).mul_ceil(f);
    Uint128::try_from(r).unwrap_or(amount).min(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_deposit_and_round_trip_never_gain() {
        let s = shares_for(Uint128::new(1_000_000), Uint128::zero(), Uint128::zero()).unwrap();
        assert_eq!(s, Uint128::new(1_000_000_000));
        // back at the same nav/shares (after the mint)
        let a = assets_for(s, Uint128::new(1_000_000), s).unwrap();
        assert!(a <= Uint128::new(1_000_000));
        for amount in [1u128, 7, 999, 1_000_001] {
            for nav in [0u128, 1, 3, 1_000_003] {
                for shares in [0u128, 5, 999_999, 10u128.pow(12)] {
                    let (amount, nav, shares) = (
                        Uint128::new(amount),
                        Uint128::new(nav),
                        Uint128::new(shares),
                    );
                    let minted = shares_for(amount, nav, shares).unwrap();
                    let back = assets_for(minted, nav + amount, shares + minted).unwrap();
                    assert!(back <= amount, "{amount} {nav} {shares}: {back}");
                }
            }
        }
    }

    #[test]
    fn loss_factor_compounds() {
        assert_eq!(loss_factor(&[]), Decimal256::zero());
        assert_eq!(
            loss_factor(&[Decimal::percent(10)]),
            Decimal256::percent(10)
        );
        assert_eq!(
            loss_factor(&[Decimal::percent(10), Decimal::percent(10)]),
            Decimal256::percent(19)
        );
        assert_eq!(loss_factor(&[Decimal::percent(150)]), Decimal256::one());
    }

    #[test]
    fn rounding_directions() {
        let (a, b, c) = (Uint128::new(10), Uint128::new(1), Uint128::new(3));
        assert_eq!(mul_div_floor(a, b, c).unwrap(), Uint128::new(3));
        assert_eq!(mul_div_ceil(a, b, c).unwrap(), Uint128::new(4));
        assert!(mul_div_floor(a, b, Uint128::zero()).is_err());
        let big = Uint128::MAX;
        assert_eq!(mul_div_floor(big, big, big).unwrap(), big);
        assert!(mul_div_floor(big, big, Uint128::one()).is_err());
        assert_eq!(
            mul_ceil256(Uint128::new(10), Decimal256::percent(15)),
            Uint128::new(2)
        );
        assert_eq!(
            mul_floor256(Uint128::new(10), Decimal256::percent(15)),
            Uint128::new(1)
        );
    }
}
