use cosmwasm_std::Decimal;
use restake_hub::error::ClaimWait;
use restake_hub::ContractError;
use restake_multitest::{SuiteBuilder, HUB_UNBONDING};

use super::helpers::refused_with;

#[test]
fn deposit_opt_in_out_unbond_claim() {
    let mut suite = SuiteBuilder::new()
        .with_validators(2)
        .with_apr(Decimal::zero())
        .build();
    let v1 = suite.validator(0);
    let oracle = suite
        .register_service("oracle", "oracle-slasher", Decimal::percent(10))
        .unwrap();
    suite.deposit("alice", &v1, 1_000_000).unwrap();
    suite.opt_in("alice", &v1, &[oracle]).unwrap();
    assert_eq!(suite.service(oracle).unwrap().total_stake.u128(), 1_000_000);
    suite.assert_invariants();
    suite.opt_out("alice", &v1, &[oracle]).unwrap();
    suite.complete_opt_out("alice", &v1).unwrap();
    assert_eq!(suite.service(oracle).unwrap().total_stake.u128(), 0);
    suite.unbond("alice", &v1, 400_000).unwrap();
    assert_eq!(suite.bonded_of("alice", &v1), 600_000);
    suite.assert_invariants();
    // the unbonding was sent in this block: the chain pays it an unbonding period later
    let next = suite.now().plus_seconds(HUB_UNBONDING);
    assert_eq!(
        refused_with(&mut suite, |s| s.claim_unbonded("alice")),
        ContractError::NothingToClaim {
            reason: ClaimWait::NotMatured { next }
        }
    );
    suite.advance(HUB_UNBONDING + 1);
    let before = suite.balance("alice", "uatom");
    suite.claim_unbonded("alice").unwrap();
    assert_eq!(suite.balance("alice", "uatom") - before, 400_000);
    suite.assert_invariants();
}
