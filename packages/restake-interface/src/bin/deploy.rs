//! Deploys restake-hub on the local gaiad network of `scripts/gaia-node.sh start` with
//! cw-orch's `Daemon` (gRPC + signing): uploads `artifacts/restake_hub.wasm`, instantiates it
//! with the `owner` key, registers a service with the `service` key, prints the code id, the
//! hub's address and the service id.
//!
//! ```sh
//! scripts/gaia-node.sh start
//! cargo run -p restake-hub-interface --features daemon --bin deploy
//! ```
//!
//! Settings come from the node's env file (`GAIA_ENV`, default `target/gaia-node/gaia.env`);
//! the process environment overrides any of them: `GAIA_CHAIN_ID`, `GAIA_GRPC`,
//! `GAIA_DENOM`, `GAIA_GAS_PRICE`, `GAIA_PREFIX`, `GAIA_UNBONDING_SECONDS`,
//! `GAIA_MNEMONIC_OWNER`, `GAIA_MNEMONIC_SERVICE`. cw-orch keeps what it deployed in
//! `STATE_FILE` (default: `cw-orch-state.json` in the node's home, so a fresh node starts
//! with a fresh state).

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{anyhow, Context};
use cosmwasm_std::{Decimal, Uint128};
use cw_orch::daemon::Daemon;
use cw_orch::environment::{ChainKind, NetworkInfoOwned};
use cw_orch::prelude::*;
use restake_hub_interface::{ExecuteMsgFns, QueryMsgFns, RestakeHub};
use restake_types::{InstantiateMsg, RegisterServiceMsg};

/// The node's settings: its env file, overridden by the process environment.
struct Settings(HashMap<String, String>);

impl Settings {
    fn load() -> anyhow::Result<Self> {
        let file = std::env::var("GAIA_ENV")
            .map(PathBuf::from)
            .unwrap_or_else(|_| {
                PathBuf::from(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../../target/gaia-node/gaia.env"
                ))
            });
        let mut vars = HashMap::new();
        match std::fs::read_to_string(&file) {
            // KEY='value' lines, as scripts/gaia-node.sh writes them
            Ok(text) => {
                for line in text.lines().filter(|l| !l.starts_with('#')) {
                    if let Some((k, v)) = line.split_once('=') {
                        vars.insert(k.to_string(), v.trim_matches('\'').to_string());
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).context(format!("reading {}", file.display())),
        }
        vars.extend(std::env::vars().filter(|(k, _)| k.starts_with("GAIA_")));
        if !vars.contains_key("GAIA_GRPC") {
            return Err(anyhow!(
                "no node settings: {} does not exist and GAIA_GRPC is not set \
                 (start a node with scripts/gaia-node.sh start, or set GAIA_ENV)",
                file.display()
            ));
        }
        Ok(Self(vars))
    }

    fn get(&self, key: &str) -> anyhow::Result<&str> {
        self.0
            .get(key)
            .map(String::as_str)
            .ok_or_else(|| anyhow!("{key} is not set (in the env file or the environment)"))
    }
}

fn main() -> anyhow::Result<()> {
    let s = Settings::load()?;
    let prefix = s.get("GAIA_PREFIX").unwrap_or("cosmos").to_string();
    let chain = ChainInfoOwned {
        kind: ChainKind::Local,
        chain_id: s.get("GAIA_CHAIN_ID")?.to_string(),
        gas_denom: s.get("GAIA_DENOM").unwrap_or("uatom").to_string(),
        gas_price: s.get("GAIA_GAS_PRICE").unwrap_or("0.005").parse()?,
        grpc_urls: vec![s.get("GAIA_GRPC")?.to_string()],
        lcd_url: s.get("GAIA_REST").ok().map(str::to_string),
        fcd_url: None,
        network_info: NetworkInfoOwned {
            chain_name: "gaia-local".into(),
            pub_address_prefix: prefix,
            coin_type: 118,
        },
    };
    if std::env::var_os("CW_ORCH_LOGS_ACTIVATION_MESSAGE").is_none() {
        // this script prints what it did; RUST_LOG=info still shows cw-orch's own logs
        std::env::set_var("CW_ORCH_LOGS_ACTIVATION_MESSAGE", "false");
    }
    if std::env::var_os("STATE_FILE").is_none() {
        // cw-orch's default is ~/.cw-orchestrator/state_local.json, shared by every local
        // chain; the node's home is wiped by each `start`, and the state with it.
        let home = s.get("GAIA_HOME").map(PathBuf::from).unwrap_or_else(|_| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target"))
        });
        std::env::set_var("STATE_FILE", home.join("cw-orch-state.json"));
    }

    let owner = Daemon::builder(chain)
        .mnemonic(s.get("GAIA_MNEMONIC_OWNER")?)
        .build()?;
    let service_admin = owner
        .rebuild()
        .mnemonic(s.get("GAIA_MNEMONIC_SERVICE")?)
        .build()?;
    println!("owner:          {}", owner.sender_addr());
    println!("service admin:  {}", service_admin.sender_addr());

    let hub = RestakeHub::new(owner.clone());
    let stored = hub.upload()?;
    let code_id = hub.code_id()?;
    println!(
        "stored:         code id {code_id} (tx {}, gas {})",
        stored.txhash, stored.gas_used
    );
    // What a governance vote compares: the chain's checksum of the stored code, and the
    // artifact's (artifacts/checksums.txt).
    let on_chain = owner.wasm_querier().code_id_hash(code_id)?;
    let local = <RestakeHub<Daemon> as Uploadable>::wasm(owner.chain_info()).checksum()?;
    anyhow::ensure!(
        on_chain == local,
        "the chain stored {on_chain}, the artifact is {local}"
    );
    println!("checksum:       {on_chain} (the artifact's)");
    let unbonding_period: u64 = s.get("GAIA_UNBONDING_SECONDS")?.parse()?;
    let instantiated = hub.instantiate(
        &InstantiateMsg {
            min_deposit: Some(Uint128::new(1_000)),
            ..InstantiateMsg::new(unbonding_period)
        },
        Some(&owner.sender_addr()),
        &[],
    )?;
    println!(
        "hub:            {} (tx {}, gas {})",
        hub.address()?,
        instantiated.txhash,
        instantiated.gas_used
    );
    let config = hub.config()?;
    println!(
        "config:         bonded denom {}, unbonding period {} s, unbonding epoch {} s",
        config.bonded_denom, config.unbonding_period, config.unbonding_epoch
    );

    // The service key registers its service: the same contract, another sender.
    let registered = hub
        .call_as(service_admin.sender())
        .register_service(RegisterServiceMsg {
            name: "local-oracle".into(),
            slasher: service_admin.sender_addr().to_string(),
            resolver: Some(owner.sender_addr().to_string()),
            max_slash: Decimal::percent(10),
            veto_period: 60,
            opt_out_delay: 120,
            reward_denoms: Some(vec![config.bonded_denom.clone()]),
            reward_tokens: None,
            metadata_uri: None,
        })?;
    // The id is also the response data ({"service_id":N}), but a chain transaction's data is
    // the protobuf TxMsgData around it (cw-orch hands it over undecoded): read the event.
    let service_id: u64 = registered
        .event_attr_value("wasm", "service_id")?
        .parse()
        .context("register_service's service_id attribute")?;
    let service = hub.service(service_id)?;
    println!(
        "service:        id {} \"{}\", admin {} (tx {})",
        service.id, service.name, service.admin, registered.txhash
    );
    println!(
        "state file:     {}",
        std::env::var("STATE_FILE").unwrap_or_default()
    );
    Ok(())
}
