//! One typed thing done to the hub or its chain: a [`Step`], applied by [`Suite::apply`].
//!
//! The tests, the model test, the CLI simulator and the bench each used to say "do X to
//! the hub" in their own words (hand-written JSON, an `Op`, an `Action` matched three
//! times), so every new message meant a change in five harnesses that could drift apart. A
//! `Step` is the one vocabulary: a harness resolves its own inputs (names, random picks,
//! YAML) into `Step`s once, with real addresses and amounts, and hands them to
//! `Suite::apply`. The Suite's per-message helpers (`deposit`, `opt_in`, ...) build a `Step`
//! too, so there is one road from intent to chain.
//!
//! Hub messages are restake-types' [`ExecuteMsg`], never JSON text, so a renamed field is a
//! compile error in every harness rather than a refusal at run time. Raw bytes remain
//! possible through [`Step::Wasm`] for the tests that check what the hub does with them.
//!
//! Why one file: a step's variant, its constructor, its one-line text and its arm in
//! `Suite::apply` change together, so a new step is one change in one place.

use std::fmt;

use anyhow::Result as AnyResult;
use cosmwasm_std::{
    coin, to_json_binary, Binary, Coin, Decimal, Event, Uint128, WasmMsg, WeightedVoteOption,
};
use cw_multi_test::{AppResponse, BankSudo, Executor, StakingSudo};
use restake_types::{ExecuteMsg, ReceiveMsg, RegisterServiceMsg, ServiceStatus};

use crate::suite::Suite;

/// The event type of the response [`Suite::apply`] returns for [`Step::OpenProposal`]
/// (attribute `proposal_id`): x/gov is a sudo-level chain event here, without a response of
/// its own, and the caller needs the id.
pub const OPEN_PROPOSAL_EVENT: &str = "restake_multitest_open_proposal";

/// One thing done to the hub or its chain. Accounts are names (`"alice"`) or addresses, as
/// everywhere in the Suite; amounts are exact.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// `sender` sends a message to the hub with `funds`. The funds must be there: a step
    /// never mints behind the caller's back (tests of the bank's refusal rely on that); put
    /// a [`Step::TopUp`] before it to make sure.
    Hub {
        sender: String,
        msg: ExecuteMsg,
        funds: Vec<Coin>,
    },
    /// `from` pays `amount` of a cw20 token to a service: the token's `send` to the hub with
    /// `{"distribute_rewards":{"service_id":..}}` as the hook (any token answering cw20's
    /// `send` works, a test's own token too).
    DistributeCw20 {
        token: String,
        from: String,
        service_id: u64,
        amount: u128,
    },
    /// `sender` sends `msg` byte for byte to any contract (a vault, a test's own token, or
    /// the hub when a test checks what it does with raw JSON).
    Wasm {
        sender: String,
        contract: String,
        msg: Binary,
        funds: Vec<Coin>,
    },
    /// The bank mints `coins` to `who`.
    Mint { who: String, coins: Vec<Coin> },
    /// The bank mints what `who` lacks to hold each of `coins` (nothing when it has them):
    /// "make sure the sender can pay" without changing what a richer account holds.
    TopUp { who: String, coins: Vec<Coin> },
    /// Time passes (one block per 5 s); the staking module pays out matured undelegations.
    Advance { seconds: u64 },
    /// The chain slashes a validator: bonded stake and unbonding entries.
    ChainSlash {
        validator: String,
        fraction: Decimal,
    },
    /// The chain jails a validator: it leaves the bonded set.
    Jail { validator: String },
    /// The chain lifts a validator's jailing.
    Unjail { validator: String },
    /// `who` delegates `amount` of the bonded denom itself, outside the hub.
    DelegateNative {
        who: String,
        validator: String,
        amount: u128,
    },
    /// `who` undelegates `amount` of the bonded denom itself.
    UndelegateNative {
        who: String,
        validator: String,
        amount: u128,
    },
    /// x/liquid: `who` tokenizes `amount` of its own delegation; `owner` owns the record.
    TokenizeShares {
        who: String,
        validator: String,
        amount: u128,
        owner: String,
    },
    /// x/liquid: `who` redeems share tokens into its own delegation.
    RedeemShares { who: String, shares: Coin },
    /// x/liquid: a record's owner withdraws the record's rewards.
    WithdrawShareRecordReward { owner: String, record_id: u64 },
    /// x/liquid's caps change (on Gaia: a governance proposal).
    SetLiquidCaps { global: Decimal, validator: Decimal },
    /// x/gov opens a proposal whose voting period starts now (see [`OPEN_PROPOSAL_EVENT`]).
    OpenProposal { voting_period: u64 },
    /// `voter` votes on the chain itself (one option of weight 1 is a plain vote).
    VoteNative {
        voter: String,
        proposal_id: u64,
        options: Vec<WeightedVoteOption>,
    },
}

/// The id of the proposal a [`Step::OpenProposal`] opened, read from its response.
pub fn opened_proposal(res: &AppResponse) -> Option<u64> {
    res.events
        .iter()
        .filter(|e| e.ty == OPEN_PROPOSAL_EVENT)
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == "proposal_id")
        .and_then(|a| a.value.parse().ok())
}

impl Step {
    /// A message to the hub.
    pub fn hub(sender: &str, msg: ExecuteMsg, funds: Vec<Coin>) -> Step {
        Step::Hub {
            sender: sender.to_string(),
            msg,
            funds,
        }
    }

    /// A message to the hub without funds.
    fn plain(sender: &str, msg: ExecuteMsg) -> Step {
        Step::hub(sender, msg, vec![])
    }

    /// `deposit` of `funds` (bonded tokens or tokenized shares) on `validator`.
    pub fn deposit(staker: &str, validator: &str, funds: Coin) -> Step {
        let msg = ExecuteMsg::Deposit {
            validator: validator.to_string(),
        };
        Step::hub(staker, msg, vec![funds])
    }

    /// `opt_in` of the staker's position on `validator` to the services.
    pub fn opt_in(staker: &str, validator: &str, service_ids: &[u64]) -> Step {
        let msg = ExecuteMsg::OptIn {
            validator: validator.to_string(),
            service_ids: service_ids.to_vec(),
        };
        Step::plain(staker, msg)
    }

    /// `opt_out` of the staker's position on `validator` from the services.
    pub fn opt_out(staker: &str, validator: &str, service_ids: &[u64]) -> Step {
        let msg = ExecuteMsg::OptOut {
            validator: validator.to_string(),
            service_ids: service_ids.to_vec(),
        };
        Step::plain(staker, msg)
    }

    /// `complete_opt_out` of the staker's position on `validator`.
    pub fn complete_opt_out(staker: &str, validator: &str) -> Step {
        let msg = ExecuteMsg::CompleteOptOut {
            validator: validator.to_string(),
        };
        Step::plain(staker, msg)
    }

    /// `unbond` of `amount` bonded tokens of the staker's position on `validator`.
    pub fn unbond(staker: &str, validator: &str, amount: u128) -> Step {
        let msg = ExecuteMsg::Unbond {
            validator: validator.to_string(),
            amount: Uint128::new(amount),
        };
        Step::plain(staker, msg)
    }

    /// `withdraw_shares`: leave a position as tokenized shares (x/liquid).
    pub fn withdraw_shares(staker: &str, validator: &str, amount: u128) -> Step {
        let msg = ExecuteMsg::WithdrawShares {
            validator: validator.to_string(),
            amount: Uint128::new(amount),
        };
        Step::plain(staker, msg)
    }

    /// `claim_unbonded`.
    pub fn claim_unbonded(staker: &str) -> Step {
        Step::plain(staker, ExecuteMsg::ClaimUnbonded {})
    }

    /// `claim_rewards`.
    pub fn claim_rewards(staker: &str) -> Step {
        Step::plain(staker, ExecuteMsg::ClaimRewards {})
    }

    /// `register_service`, sent by the service's admin.
    pub fn register_service(admin: &str, msg: RegisterServiceMsg) -> Step {
        Step::plain(admin, ExecuteMsg::RegisterService(msg))
    }

    /// `set_service_status`.
    pub fn set_service_status(sender: &str, service_id: u64, status: ServiceStatus) -> Step {
        Step::plain(sender, ExecuteMsg::SetServiceStatus { service_id, status })
    }

    /// `distribute_rewards` of native `funds`.
    pub fn distribute(payer: &str, service_id: u64, funds: Vec<Coin>) -> Step {
        Step::hub(payer, ExecuteMsg::DistributeRewards { service_id }, funds)
    }

    /// A cw20 payment to a service (see [`Step::DistributeCw20`]).
    pub fn distribute_cw20(token: &str, from: &str, service_id: u64, amount: u128) -> Step {
        Step::DistributeCw20 {
            token: token.to_string(),
            from: from.to_string(),
            service_id,
            amount,
        }
    }

    /// `slash`: a service's slasher opens a request against `validator`.
    pub fn slash(
        slasher: &str,
        service_id: u64,
        validator: &str,
        fraction: Decimal,
        evidence: &str,
    ) -> Step {
        let msg = ExecuteMsg::Slash {
            service_id,
            validator: validator.to_string(),
            fraction,
            evidence: evidence.to_string(),
        };
        Step::plain(slasher, msg)
    }

    /// `veto_slash`.
    pub fn veto_slash(sender: &str, slash_id: u64) -> Step {
        Step::plain(sender, ExecuteMsg::VetoSlash { slash_id })
    }

    /// `execute_slash`.
    pub fn execute_slash(sender: &str, slash_id: u64) -> Step {
        Step::plain(sender, ExecuteMsg::ExecuteSlash { slash_id })
    }

    /// `harvest` (`None`: every validator).
    pub fn harvest(sender: &str, validators: Option<Vec<String>>) -> Step {
        Step::plain(sender, ExecuteMsg::Harvest { validators })
    }

    /// `sync_validator`.
    pub fn sync_validator(sender: &str, validator: &str) -> Step {
        let msg = ExecuteMsg::SyncValidator {
            validator: validator.to_string(),
        };
        Step::plain(sender, msg)
    }

    /// `process_unbondings`.
    pub fn process_unbondings(sender: &str) -> Step {
        Step::plain(sender, ExecuteMsg::ProcessUnbondings {})
    }

    /// `pause`.
    pub fn pause(sender: &str) -> Step {
        Step::plain(sender, ExecuteMsg::Pause {})
    }

    /// `unpause`.
    pub fn unpause(sender: &str) -> Step {
        Step::plain(sender, ExecuteMsg::Unpause {})
    }

    /// Time passes.
    pub fn advance(seconds: u64) -> Step {
        Step::Advance { seconds }
    }

    /// The chain slashes `validator` by `fraction`.
    pub fn chain_slash(validator: &str, fraction: Decimal) -> Step {
        Step::ChainSlash {
            validator: validator.to_string(),
            fraction,
        }
    }

    /// The chain jails (`true`) or unjails `validator`.
    pub fn jail(validator: &str, jailed: bool) -> Step {
        let validator = validator.to_string();
        if jailed {
            Step::Jail { validator }
        } else {
            Step::Unjail { validator }
        }
    }

    /// The bank mints `coins` to `who`.
    pub fn mint(who: &str, coins: Vec<Coin>) -> Step {
        Step::Mint {
            who: who.to_string(),
            coins,
        }
    }

    /// The bank mints what `who` lacks of `coins`.
    pub fn top_up(who: &str, coins: Vec<Coin>) -> Step {
        Step::TopUp {
            who: who.to_string(),
            coins,
        }
    }

    /// The account that signs the step, if an account does (chain events have none).
    pub fn sender(&self) -> Option<&str> {
        match self {
            Step::Hub { sender, .. } | Step::Wasm { sender, .. } => Some(sender),
            Step::DistributeCw20 { from, .. } => Some(from),
            Step::DelegateNative { who, .. }
            | Step::UndelegateNative { who, .. }
            | Step::TokenizeShares { who, .. }
            | Step::RedeemShares { who, .. } => Some(who),
            Step::WithdrawShareRecordReward { owner, .. } => Some(owner),
            Step::VoteNative { voter, .. } => Some(voter),
            Step::Mint { .. }
            | Step::TopUp { .. }
            | Step::Advance { .. }
            | Step::ChainSlash { .. }
            | Step::Jail { .. }
            | Step::Unjail { .. }
            | Step::SetLiquidCaps { .. }
            | Step::OpenProposal { .. } => None,
        }
    }

    /// The hub message of a [`Step::Hub`].
    pub fn hub_msg(&self) -> Option<&ExecuteMsg> {
        match self {
            Step::Hub { msg, .. } => Some(msg),
            _ => None,
        }
    }

    /// One line of text: who does what, the hub's message as its JSON (what a chain CLI
    /// would send), for logs, traces and failure reports.
    pub fn describe(&self) -> String {
        self.to_string()
    }
}

/// `100uatom + 5uosmo`, or `nothing`.
fn coins_text(coins: &[Coin]) -> String {
    if coins.is_empty() {
        return "nothing".into();
    }
    coins
        .iter()
        .map(Coin::to_string)
        .collect::<Vec<_>>()
        .join(" + ")
}

/// ` with 100uatom + 5uosmo`, or nothing when no funds go with a message.
fn with_funds(funds: &[Coin]) -> String {
    if funds.is_empty() {
        String::new()
    } else {
        format!(" with {}", coins_text(funds))
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Hub { sender, msg, funds } => {
                let json = serde_json::to_string(msg).map_err(|_| fmt::Error)?;
                write!(f, "{sender} → hub {json}{}", with_funds(funds))
            }
            Step::DistributeCw20 {
                token,
                from,
                service_id,
                amount,
            } => write!(
                f,
                "{from} pays {amount} of cw20 {token} to service {service_id}"
            ),
            Step::Wasm {
                sender,
                contract,
                msg,
                funds,
            } => {
                let text = String::from_utf8_lossy(msg);
                write!(f, "{sender} → {contract} {text}{}", with_funds(funds))
            }
            Step::Mint { who, coins } => write!(f, "mint {} to {who}", coins_text(coins)),
            Step::TopUp { who, coins } => {
                write!(f, "top {who} up to {}", coins_text(coins))
            }
            Step::Advance { seconds } => write!(f, "advance {seconds} s"),
            Step::ChainSlash {
                validator,
                fraction,
            } => write!(f, "the chain slashes {validator} by {fraction}"),
            Step::Jail { validator } => write!(f, "the chain jails {validator}"),
            Step::Unjail { validator } => write!(f, "the chain unjails {validator}"),
            Step::DelegateNative {
                who,
                validator,
                amount,
            } => write!(f, "{who} delegates {amount} to {validator} itself"),
            Step::UndelegateNative {
                who,
                validator,
                amount,
            } => write!(f, "{who} undelegates {amount} from {validator} itself"),
            Step::TokenizeShares {
                who,
                validator,
                amount,
                owner,
            } => write!(
                f,
                "{who} tokenizes {amount} of its delegation to {validator} (record owner {owner})"
            ),
            Step::RedeemShares { who, shares } => write!(f, "{who} redeems {shares}"),
            Step::WithdrawShareRecordReward { owner, record_id } => {
                write!(f, "{owner} withdraws share record {record_id}'s rewards")
            }
            Step::SetLiquidCaps { global, validator } => write!(
                f,
                "x/liquid caps: global {global}, per validator {validator}"
            ),
            Step::OpenProposal { voting_period } => {
                write!(f, "the chain opens a proposal ({voting_period} s to vote)")
            }
            Step::VoteNative {
                voter,
                proposal_id,
                options,
            } => {
                let opts = options
                    .iter()
                    .map(|o| format!("{:?} {}", o.option, o.weight))
                    .collect::<Vec<_>>()
                    .join(", ");
                write!(f, "{voter} votes [{opts}] on proposal {proposal_id}")
            }
        }
    }
}

impl Suite {
    /// Applies one step to the chain: the only road by which the Suite's helpers, and the
    /// harnesses built on it, change the hub or its chain. Chain events answer an empty
    /// response (an [`OPEN_PROPOSAL_EVENT`] for [`Step::OpenProposal`]); every account that
    /// signs a step is remembered for the invariant checks.
    pub fn apply(&mut self, step: &Step) -> AnyResult<AppResponse> {
        if let Some(sender) = step.sender() {
            let a = self.addr(sender);
            self.known.insert(a);
        }
        let done = AppResponse::default();
        match step {
            Step::Hub { sender, msg, funds } => {
                let sender = self.addr(sender);
                self.app
                    .execute_contract(sender, self.hub.clone(), msg, funds)
            }
            Step::DistributeCw20 {
                token,
                from,
                service_id,
                amount,
            } => {
                let from = self.addr(from);
                let token = self.addr(token);
                self.app.execute_contract(
                    from,
                    token,
                    &cw20::Cw20ExecuteMsg::Send {
                        contract: self.hub.to_string(),
                        amount: Uint128::new(*amount),
                        msg: to_json_binary(&ReceiveMsg::DistributeRewards {
                            service_id: *service_id,
                        })?,
                    },
                    &[],
                )
            }
            Step::Wasm {
                sender,
                contract,
                msg,
                funds,
            } => {
                let sender = self.addr(sender);
                let msg = WasmMsg::Execute {
                    contract_addr: self.addr(contract).to_string(),
                    msg: msg.clone(),
                    funds: funds.clone(),
                };
                self.app.execute(sender, msg.into())
            }
            Step::Mint { who, coins } => {
                let to_address = self.addr(who).to_string();
                let amount = coins.clone();
                self.app
                    .sudo(BankSudo::Mint { to_address, amount }.into())?;
                Ok(done)
            }
            Step::TopUp { who, coins } => {
                let lacking: Vec<Coin> = coins
                    .iter()
                    .filter_map(|c| {
                        let have = self.balance(who, &c.denom);
                        let want = c.amount.u128();
                        (have < want).then(|| coin(want - have, &c.denom))
                    })
                    .collect();
                if !lacking.is_empty() {
                    self.apply(&Step::mint(who, lacking))?;
                }
                Ok(done)
            }
            Step::Advance { seconds } => {
                let seconds = *seconds;
                self.app.update_block(|b| {
                    b.time = b.time.plus_seconds(seconds);
                    b.height += (seconds / 5).max(1);
                });
                Ok(done)
            }
            Step::ChainSlash {
                validator,
                fraction,
            } => {
                let slash = StakingSudo::Slash {
                    validator: validator.clone(),
                    percentage: *fraction,
                };
                self.app.sudo(slash.into())?;
                Ok(done)
            }
            Step::Jail { validator } => {
                let key = crate::staking::jailed_key(validator);
                cosmwasm_std::Storage::set(self.app.storage_mut(), &key, b"1");
                Ok(done)
            }
            Step::Unjail { validator } => {
                let key = crate::staking::jailed_key(validator);
                cosmwasm_std::Storage::remove(self.app.storage_mut(), &key);
                Ok(done)
            }
            Step::DelegateNative {
                who,
                validator,
                amount,
            } => self.send_staking(who, validator, *amount, true),
            Step::UndelegateNative {
                who,
                validator,
                amount,
            } => self.send_staking(who, validator, *amount, false),
            Step::TokenizeShares {
                who,
                validator,
                amount,
                owner,
            } => self.send_tokenize_shares(who, validator, *amount, owner),
            Step::RedeemShares { who, shares } => self.send_redeem_shares(who, shares),
            Step::WithdrawShareRecordReward { owner, record_id } => {
                self.send_withdraw_share_record_reward(owner, *record_id)
            }
            Step::SetLiquidCaps { global, validator } => {
                crate::liquid::set_params(
                    self.app.storage_mut(),
                    &crate::liquid::LiquidParams {
                        global_liquid_staking_cap: *global,
                        validator_liquid_staking_cap: *validator,
                    },
                );
                Ok(done)
            }
            Step::OpenProposal { voting_period } => {
                let block = self.app.block_info();
                let id = crate::gov::open_proposal(self.app.storage_mut(), &block, *voting_period)?;
                let mut res = done;
                res.events.push(
                    Event::new(OPEN_PROPOSAL_EVENT).add_attribute("proposal_id", id.to_string()),
                );
                Ok(res)
            }
            Step::VoteNative {
                voter,
                proposal_id,
                options,
            } => {
                let sender = self.addr(voter);
                let msg = cosmwasm_std::GovMsg::VoteWeighted {
                    proposal_id: *proposal_id,
                    options: options.clone(),
                };
                self.app.execute(sender, msg.into())
            }
        }
    }

    /// Applies steps in order and stops at the first refusal (its error says which step).
    pub fn apply_all(&mut self, steps: &[Step]) -> AnyResult<Vec<AppResponse>> {
        steps
            .iter()
            .map(|s| self.apply(s).map_err(|e| e.context(format!("step `{s}`"))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{err_text, ServiceSpec, SuiteBuilder};

    #[test]
    fn a_hub_step_is_what_the_helper_sends() {
        let mut s = SuiteBuilder::new().build();
        let v = s.validator(0);
        // a step never mints: alice holds nothing, the bank refuses
        let step = Step::deposit("alice", &v, s.bonded(5_000));
        let e = s.apply(&step).unwrap_err();
        assert!(err_text(&e).contains("Cannot Sub"), "{e:?}");
        assert_eq!(s.bonded_of("alice", &v), 0);
        s.apply(&Step::top_up("alice", vec![s.bonded(5_000)]))
            .unwrap();
        s.apply(&step).unwrap();
        assert_eq!(s.bonded_of("alice", &v), 5_000);
        assert_eq!(s.balance("alice", "uatom"), 0);
        // the helper takes the same road
        s.deposit("alice", &v, 2_000).unwrap();
        assert_eq!(s.bonded_of("alice", &v), 7_000);
        assert!(s.known.contains(&s.addr("alice")));
    }

    #[test]
    fn top_up_mints_only_what_is_missing() {
        let mut s = SuiteBuilder::new().build();
        s.mint("bob", vec![coin(30, "uosmo")]);
        let want = vec![coin(100, "uosmo"), coin(7, "untrn")];
        s.apply(&Step::top_up("bob", want.clone())).unwrap();
        s.apply(&Step::top_up("bob", want)).unwrap();
        assert_eq!(s.balance("bob", "uosmo"), 100);
        assert_eq!(s.balance("bob", "untrn"), 7);
        s.apply(&Step::mint("bob", vec![coin(1, "uosmo")])).unwrap();
        assert_eq!(s.balance("bob", "uosmo"), 101);
    }

    #[test]
    fn chain_steps_answer_an_empty_response() {
        let mut s = SuiteBuilder::new().with_validators(2).build();
        let (v0, v1) = (s.validator(0), s.validator(1));
        s.deposit("alice", &v0, 1_000_000).unwrap();
        let t0 = s.now().seconds();
        let res = s.apply(&Step::advance(60)).unwrap();
        assert!(res.events.is_empty() && res.data.is_none());
        assert_eq!(s.now().seconds(), t0 + 60);
        s.apply(&Step::chain_slash(&v0, Decimal::percent(10)))
            .unwrap();
        assert_eq!(s.delegation(&v0), 900_000);
        let bonded = |s: &Suite| s.app.wrap().query_all_validators().unwrap().len();
        s.apply(&Step::jail(&v1, true)).unwrap();
        assert_eq!(bonded(&s), 1);
        s.apply(&Step::jail(&v1, false)).unwrap();
        assert_eq!(bonded(&s), 2);
        let id = s.open_proposal(3_600);
        assert_eq!(s.open_proposal(3_600), id + 1);
    }

    #[test]
    fn services_and_slashes_through_steps() {
        let mut s = SuiteBuilder::new().build();
        let v = s.validator(0);
        let id = s
            .register(ServiceSpec::new("oracle").reward_denom("uosmo"))
            .unwrap();
        s.deposit("alice", &v, 1_000_000).unwrap();
        s.apply(&Step::opt_in("alice", &v, &[id])).unwrap();
        s.distribute("oracle", id, vec![coin(500, "uosmo")])
            .unwrap();
        assert_eq!(s.pending_native("alice", "uosmo"), 500);
        let slasher = "oracle-slasher";
        let res = s
            .apply(&Step::slash(slasher, id, &v, Decimal::percent(1), "proof"))
            .unwrap();
        assert!(crate::attr(&res, "slash_id").is_some());
        assert_eq!(s.bonded_of("alice", &v), 990_000);
        s.assert_invariants();
    }

    #[test]
    fn apply_all_stops_at_the_first_refusal_and_names_it() {
        let mut s = SuiteBuilder::new().build();
        let v = s.validator(0);
        let steps = [
            Step::top_up("alice", vec![s.bonded(5_000)]),
            Step::deposit("alice", &v, s.bonded(5_000)),
            Step::unbond("alice", &v, 9_000),
            Step::claim_rewards("alice"),
        ];
        let e = s.apply_all(&steps).unwrap_err();
        assert!(format!("{e:#}").contains("\"unbond\""), "{e:#}");
        assert_eq!(s.bonded_of("alice", &v), 5_000);
    }

    #[test]
    fn describe_is_one_line() {
        let d = Step::deposit("alice", "val", coin(5, "uatom")).describe();
        assert_eq!(
            d,
            r#"alice → hub {"deposit":{"validator":"val"}} with 5uatom"#
        );
        assert_eq!(Step::advance(3).to_string(), "advance 3 s");
        assert_eq!(Step::claim_rewards("bob").sender(), Some("bob"));
        assert_eq!(Step::advance(3).sender(), None);
        assert!(Step::claim_rewards("bob").hub_msg().is_some());
    }
}
