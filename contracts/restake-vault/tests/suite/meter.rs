//! A metered vault: the contract as stored on the Suite, with every storage operation and
//! every query of its own execution (entry point and replies, not the hub's) counted. The
//! cost of a CosmWasm message is driven by exactly these (wasmd charges per read, write,
//! byte and query), so equal counts at 1 and 1,000 holders mean the message does not grow
//! with holders.

use std::cell::RefCell;
use std::rc::Rc;

use anyhow::Result as AnyResult;
use cosmwasm_std::{
    Binary, Deps, DepsMut, Empty, Env, MessageInfo, Order, Querier, QuerierResult, QuerierWrapper,
    Record, Reply, Response, Storage,
};
use restake_multitest::{Contract, ContractWrapper};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Meter {
    pub calls: u64,
    pub reads: u64,
    pub read_bytes: u64,
    pub writes: u64,
    pub write_bytes: u64,
    pub removes: u64,
    /// Iterator steps (each costs like a read on wasmd).
    pub range_items: u64,
    pub queries: u64,
    /// Bytes of the answers the vault read.
    pub query_bytes: u64,
}

impl Meter {
    /// The operations wasmd charges per unit (reads, writes, removes, iterator steps,
    /// queries): these must not change with the number of holders.
    pub fn ops(&self) -> (u64, u64, u64, u64, u64) {
        (
            self.reads,
            self.writes,
            self.removes,
            self.range_items,
            self.queries,
        )
    }

    /// Bytes read, written and answered (these may grow by a few bytes when amounts grow).
    pub fn bytes(&self) -> u64 {
        self.read_bytes + self.write_bytes + self.query_bytes
    }
}

struct Counting<'a> {
    inner: &'a mut dyn Storage,
    meter: Rc<RefCell<Meter>>,
}

impl Storage for Counting<'_> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        let v = self.inner.get(key);
        let mut m = self.meter.borrow_mut();
        m.reads += 1;
        m.read_bytes += (key.len() + v.as_ref().map_or(0, |v| v.len())) as u64;
        v
    }

    fn range<'a>(
        &'a self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> Box<dyn Iterator<Item = Record> + 'a> {
        let meter = self.meter.clone();
        Box::new(self.inner.range(start, end, order).inspect(move |(k, v)| {
            let mut m = meter.borrow_mut();
            m.range_items += 1;
            m.read_bytes += (k.len() + v.len()) as u64;
        }))
    }

    fn set(&mut self, key: &[u8], value: &[u8]) {
        {
            let mut m = self.meter.borrow_mut();
            m.writes += 1;
            m.write_bytes += (key.len() + value.len()) as u64;
        }
        self.inner.set(key, value)
    }

    fn remove(&mut self, key: &[u8]) {
        self.meter.borrow_mut().removes += 1;
        self.inner.remove(key)
    }
}

struct CountingQuerier<'a> {
    inner: QuerierWrapper<'a>,
    meter: Rc<RefCell<Meter>>,
}

impl Querier for CountingQuerier<'_> {
    fn raw_query(&self, bin_request: &[u8]) -> QuerierResult {
        let r = self.inner.raw_query(bin_request);
        let mut m = self.meter.borrow_mut();
        m.queries += 1;
        if let cosmwasm_std::SystemResult::Ok(cosmwasm_std::ContractResult::Ok(b)) = &r {
            m.query_bytes += b.len() as u64;
        }
        r
    }
}

pub struct Metered {
    inner: Box<dyn Contract<Empty>>,
    pub meter: Rc<RefCell<Meter>>,
}

impl Metered {
    pub fn vault() -> (Self, Rc<RefCell<Meter>>) {
        let meter = Rc::new(RefCell::new(Meter::default()));
        let inner = Box::new(
            ContractWrapper::new(
                restake_vault::contract::execute,
                restake_vault::contract::instantiate,
                restake_vault::contract::query,
            )
            .with_reply(restake_vault::contract::reply)
            .with_migrate(restake_vault::contract::migrate),
        );
        (
            Metered {
                inner,
                meter: meter.clone(),
            },
            meter,
        )
    }

    fn metered<T>(&self, deps: DepsMut, f: impl FnOnce(DepsMut) -> AnyResult<T>) -> AnyResult<T> {
        self.meter.borrow_mut().calls += 1;
        let querier = CountingQuerier {
            inner: deps.querier,
            meter: self.meter.clone(),
        };
        let mut storage = Counting {
            inner: deps.storage,
            meter: self.meter.clone(),
        };
        let deps = DepsMut {
            storage: &mut storage,
            api: deps.api,
            querier: QuerierWrapper::new(&querier),
        };
        f(deps)
    }
}

impl Contract<Empty> for Metered {
    fn instantiate(
        &self,
        deps: DepsMut,
        env: Env,
        info: MessageInfo,
        msg: Vec<u8>,
    ) -> AnyResult<Response> {
        self.metered(deps, |d| self.inner.instantiate(d, env, info, msg))
    }

    fn execute(
        &self,
        deps: DepsMut,
        env: Env,
        info: MessageInfo,
        msg: Vec<u8>,
    ) -> AnyResult<Response> {
        self.metered(deps, |d| self.inner.execute(d, env, info, msg))
    }

    fn query(&self, deps: Deps, env: Env, msg: Vec<u8>) -> AnyResult<Binary> {
        self.inner.query(deps, env, msg)
    }

    fn reply(&self, deps: DepsMut, env: Env, msg: Reply) -> AnyResult<Response> {
        self.metered(deps, |d| self.inner.reply(d, env, msg))
    }

    fn sudo(&self, deps: DepsMut, env: Env, msg: Vec<u8>) -> AnyResult<Response> {
        self.inner.sudo(deps, env, msg)
    }

    fn migrate(&self, deps: DepsMut, env: Env, msg: Vec<u8>) -> AnyResult<Response> {
        self.inner.migrate(deps, env, msg)
    }
}
