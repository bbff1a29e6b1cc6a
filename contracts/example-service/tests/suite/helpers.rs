//! The Suite with the hub, two validators, a fee token and the example service on it.

use std::ops::{Deref, DerefMut};

use anyhow::Result as AnyResult;
use cosmwasm_std::{coin, Addr, Coin, Decimal};
use example_service::msg::{
    ConfigResponse, ExecuteMsg, FeesResponse, InstantiateMsg, ProposalResponse, ProposalsResponse,
    QueryMsg, ReceiveMsg,
};
use restake_multitest::{attr, AppResponse, ContractWrapper, Suite, SuiteBuilder};

pub const ADMIN: &str = "service-admin";
pub const RESOLVER: &str = "resolver";
pub const MEMBERS: [&str; 3] = ["oracle-1", "oracle-2", "oracle-3"];
pub const FEE_DENOM: &str = "uosmo";
pub const EPOCH: u64 = 86_400;
pub const VOTING_PERIOD: u64 = 3 * 86_400;
pub const VETO_PERIOD: u64 = 2 * 86_400;
pub const OPT_OUT_DELAY: u64 = 7 * 86_400;

/// A Suite with the example service registered at the hub.
pub struct ServiceSuite {
    pub suite: Suite,
    /// The service contract.
    pub service: Addr,
    /// Its id at the hub.
    pub id: u64,
    /// The cw20 fee token ("payer" holds 1_000_000).
    pub token: Addr,
    pub code_id: u64,
}

impl Deref for ServiceSuite {
    type Target = Suite;
    fn deref(&self) -> &Suite {
        &self.suite
    }
}

impl DerefMut for ServiceSuite {
    fn deref_mut(&mut self) -> &mut Suite {
        &mut self.suite
    }
}

pub fn store_service(suite: &mut Suite) -> u64 {
    suite.store_code(Box::new(
        ContractWrapper::new(
            example_service::contract::execute,
            example_service::contract::instantiate,
            example_service::contract::query,
        )
        .with_reply(example_service::contract::reply)
        .with_migrate(example_service::contract::migrate),
    ))
}

/// The instantiate message of the tests' service: 3 members, threshold 2, max slash 10 %,
/// 2-day veto window, 7-day opt-out delay, fees in uosmo and the token, 1-day epoch.
pub fn instantiate_msg(suite: &Suite, token: &Addr) -> InstantiateMsg {
    InstantiateMsg {
        hub: suite.hub.to_string(),
        admin: None,
        name: "price-oracle".into(),
        metadata_uri: Some("https://oracle.example/service.json".into()),
        members: MEMBERS.iter().map(|m| suite.addr(m).to_string()).collect(),
        threshold: 2,
        voting_period: VOTING_PERIOD,
        resolver: Some(suite.addr(RESOLVER).to_string()),
        max_slash: Decimal::percent(10),
        veto_period: VETO_PERIOD,
        opt_out_delay: OPT_OUT_DELAY,
        fee_denoms: vec![FEE_DENOM.into()],
        fee_tokens: vec![token.to_string()],
        epoch: EPOCH,
    }
}

/// Two validators, no native staking rewards (so every uosmo and token a staker gets is
/// the service's), the service instantiated by `ADMIN` with `edit` applied.
pub fn try_setup(edit: impl FnOnce(&mut InstantiateMsg)) -> (Suite, AnyResult<Addr>, Addr, u64) {
    let mut suite = SuiteBuilder::new()
        .with_validators(2)
        .with_apr(Decimal::zero())
        .build();
    let token = suite.create_cw20("ORCL", &[("payer", 1_000_000)]);
    let code_id = store_service(&mut suite);
    let mut msg = instantiate_msg(&suite, &token);
    edit(&mut msg);
    let service = suite.instantiate_contract(code_id, ADMIN, &msg, &[], "price-oracle");
    (suite, service, token, code_id)
}

pub fn setup() -> ServiceSuite {
    setup_with(|_| {})
}

pub fn setup_with(edit: impl FnOnce(&mut InstantiateMsg)) -> ServiceSuite {
    let (suite, service, token, code_id) = try_setup(edit);
    let service = service.expect("instantiate the service");
    let config: ConfigResponse = suite
        .query_contract(&service, &QueryMsg::Config {})
        .unwrap();
    ServiceSuite {
        suite,
        service,
        id: config.service_id,
        token,
        code_id,
    }
}

impl ServiceSuite {
    pub fn exec(
        &mut self,
        sender: &str,
        msg: &ExecuteMsg,
        funds: &[Coin],
    ) -> AnyResult<AppResponse> {
        let service = self.service.clone();
        self.suite.execute_contract(sender, &service, msg, funds)
    }

    /// Pays native fees, minting what the payer lacks.
    pub fn pay_fees(&mut self, payer: &str, amount: u128, denom: &str) -> AnyResult<AppResponse> {
        self.suite.mint(payer, vec![coin(amount, denom)]);
        self.exec(payer, &ExecuteMsg::PayFees {}, &[coin(amount, denom)])
    }

    /// Pays fees in the tests' cw20 token (from "payer").
    pub fn pay_cw20(&mut self, amount: u128) -> AnyResult<AppResponse> {
        let (token, service) = (self.token.clone(), self.service.clone());
        self.suite
            .send_cw20(&token, "payer", &service, amount, &ReceiveMsg::PayFees {})
    }

    pub fn distribute(&mut self) -> AnyResult<AppResponse> {
        self.exec("keeper", &ExecuteMsg::Distribute {}, &[])
    }

    /// Proposes a slash; returns the proposal id.
    pub fn propose(&mut self, member: &str, validator: &str, fraction: Decimal) -> AnyResult<u64> {
        let res = self.exec(
            member,
            &ExecuteMsg::ProposeSlash {
                validator: validator.to_string(),
                fraction,
                evidence: format!("{validator} signed two prices at round 42"),
            },
            &[],
        )?;
        Ok(attr(&res, "proposal_id").unwrap().parse().unwrap())
    }

    pub fn vote(&mut self, member: &str, proposal_id: u64) -> AnyResult<AppResponse> {
        self.exec(member, &ExecuteMsg::Vote { proposal_id }, &[])
    }

    pub fn retire(&mut self, sender: &str) -> AnyResult<AppResponse> {
        self.exec(sender, &ExecuteMsg::Retire {}, &[])
    }

    pub fn config(&self) -> ConfigResponse {
        self.query_contract(&self.service, &QueryMsg::Config {})
            .unwrap()
    }

    pub fn fees(&self) -> FeesResponse {
        self.query_contract(&self.service, &QueryMsg::FeesPending {})
            .unwrap()
    }

    /// Pending fees of the native denom and of the token.
    pub fn pending_fees(&self) -> (u128, u128) {
        let f = self.fees();
        (amount_of(&f.pending, false), amount_of(&f.pending, true))
    }

    pub fn proposal(&self, proposal_id: u64) -> ProposalResponse {
        self.query_contract(&self.service, &QueryMsg::Proposal { proposal_id })
            .unwrap()
    }

    pub fn proposals(&self, start_after: Option<u64>, limit: Option<u32>) -> Vec<ProposalResponse> {
        let r: ProposalsResponse = self
            .query_contract(&self.service, &QueryMsg::Proposals { start_after, limit })
            .unwrap();
        r.proposals
    }

    /// Deposits and opts the position into the service.
    pub fn stake(&mut self, staker: &str, validator: &str, amount: u128) {
        self.suite.deposit(staker, validator, amount).unwrap();
        let id = self.id;
        self.suite.opt_in(staker, validator, &[id]).unwrap();
    }
}

fn amount_of(list: &[restake_types::RewardAmount], cw20: bool) -> u128 {
    list.iter()
        .find(|r| r.cw20.is_some() == cw20)
        .map(|r| r.amount.u128())
        .unwrap_or_default()
}
