// The local gaiad node (scripts/gaia-node.sh) from the tests' side: its env file, CosmJS
// clients for the genesis accounts, the hub stored and instantiated from
// artifacts/restake_hub.wasm, and LCD reads for the expectations.

import { readFileSync } from "node:fs";
import path from "node:path";

import { SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice } from "@cosmjs/stargate";

/** `KEY='value'` lines of the node's env file. */
export function readEnv(file) {
  const env = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)='(.*)'$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  for (const k of ["GAIA_RPC", "GAIA_REST", "GAIA_CHAIN_ID", "GAIA_VALIDATOR"]) {
    if (!env[k]) throw new Error(`${file} has no ${k}: is the node running (scripts/gaia-node.sh start)?`);
  }
  return env;
}

export class Node {
  constructor(env) {
    this.env = env;
    this.rpc = env.GAIA_RPC;
    this.rest = env.GAIA_REST;
    this.chainId = env.GAIA_CHAIN_ID;
    this.denom = env.GAIA_DENOM ?? "uatom";
    this.gasPrice = GasPrice.fromString(`${env.GAIA_GAS_PRICE ?? "0.005"}${this.denom}`);
    this.accounts = new Map();
  }

  mnemonic(name) {
    const m = this.env[`GAIA_MNEMONIC_${name.toUpperCase()}`];
    if (!m) throw new Error(`no mnemonic for ${name} in the env file`);
    return m;
  }

  /** A signing client and the address of a genesis account (cached). */
  async account(name) {
    if (!this.accounts.has(name)) {
      const wallet = await DirectSecp256k1HdWallet.fromMnemonic(this.mnemonic(name), { prefix: this.env.GAIA_PREFIX ?? "cosmos" });
      const [{ address }] = await wallet.getAccounts();
      const client = await SigningCosmWasmClient.connectWithSigner(this.rpc, wallet, { gasPrice: this.gasPrice });
      this.accounts.set(name, { name, address, client, wallet });
    }
    return this.accounts.get(name);
  }

  async get(p) {
    const r = await fetch(this.rest + p);
    const body = await r.json();
    if (!r.ok) throw new Error(`${p}: ${r.status} ${JSON.stringify(body)}`);
    return body;
  }

  async smart(contract, msg) {
    const q = encodeURIComponent(Buffer.from(JSON.stringify(msg)).toString("base64"));
    return (await this.get(`/cosmwasm/wasm/v1/contract/${contract}/smart/${q}`)).data;
  }

  async balance(address, denom = this.denom) {
    const r = await this.get(`/cosmos/bank/v1beta1/balances/${address}/by_denom?denom=${encodeURIComponent(denom)}`);
    return BigInt(r.balance?.amount ?? "0");
  }

  async balances(address) {
    return (await this.get(`/cosmos/bank/v1beta1/balances/${address}`)).balances;
  }

  async tx(hash) {
    return this.get(`/cosmos/tx/v1beta1/txs/${hash}`);
  }

  /** The chain's latest block time in seconds. */
  async time() {
    const b = await this.get("/cosmos/base/tendermint/v1beta1/blocks/latest");
    return Date.parse((b.sdk_block ?? b.block).header.time) / 1000;
  }
}

/** Stores artifacts/restake_hub.wasm and instantiates a hub owned by `owner`. */
export async function deployHub(node, root) {
  const owner = await node.account("owner");
  const wasm = readFileSync(path.join(root, "artifacts/restake_hub.wasm"));
  const { codeId } = await owner.client.upload(owner.address, wasm, "auto");
  const params = await node.get("/cosmos/staking/v1beta1/params");
  const unbonding = Number.parseInt(params.params.unbonding_time, 10);
  const init = { unbonding_period: unbonding, min_deposit: "1000", slash_destination: { community_pool: {} } };
  const { contractAddress } = await owner.client.instantiate(owner.address, codeId, init, "restake-hub (web tests)", "auto", {
    admin: owner.address,
  });
  return { hub: contractAddress, codeId, unbonding };
}

/**
 * Stores artifacts/restake_vault.wasm (scripts/build-wasm.sh vault) and instantiates a vault
 * on `hub` whose strategy puts everything on `validator`, securing `serviceId`.
 */
export async function deployVault(node, root, hub, validator, serviceId) {
  const owner = await node.account("owner");
  const wasm = readFileSync(path.join(root, "artifacts/restake_vault.wasm"));
  const { codeId } = await owner.client.upload(owner.address, wasm, "auto");
  const init = {
    hub,
    curator: owner.address,
    name: "Restaked ATOM",
    symbol: "rstATOM",
    strategy: {
      validators: [{ validator, weight: 1, services: [serviceId] }],
      services: [{ service_id: serviceId, max_share: "1" }],
      risk_budget: "0.1",
      slash_limit: { max_fraction: "0.5", window: 3600 },
      timelock: 60,
    },
    min_timelock: 60,
    exit_epoch: 3600,
  };
  const { contractAddress } = await owner.client.instantiate(owner.address, codeId, init, "restake-vault (web tests)", "auto", {
    admin: owner.address,
  });
  return contractAddress;
}

/** Executes several hub messages as one transaction from `who`. */
export async function execMany(node, who, hub, msgs) {
  const a = await node.account(who);
  return a.client.executeMultiple(
    a.address,
    msgs.map(({ msg, funds }) => ({ contractAddress: hub, msg, funds })),
    "auto",
  );
}

export async function exec(node, who, hub, msg, funds) {
  const a = await node.account(who);
  return a.client.execute(a.address, hub, msg, "auto", undefined, funds);
}

/** Polls `check` until it returns a truthy value (or fails after `ms`). */
export async function until(what, check, ms = 60_000, every = 500) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
