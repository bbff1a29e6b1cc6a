// Signing with CosmJS (loaded only when a wallet sends its first transaction): simulate
// first, so a message the hub refuses is never signed and costs nothing, then sign with the
// wallet's offline signer and broadcast through the chain's RPC.

import { SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import type { EncodeObject, OfflineSigner } from "@cosmjs/proto-signing";
import { calculateFee, GasPrice } from "@cosmjs/stargate";

import { refusalText, type TxOutcome } from "./txresult";

/** Gas limit = simulated gas × this (a deposit's auto-withdrawal of rewards can vary). */
const GAS_ADJUSTMENT = 1.5;

const clients = new Map<string, Promise<SigningCosmWasmClient>>();

export async function signAndSend(p: {
  action: string;
  rpc: string;
  signer: unknown;
  sender: string;
  msgs: EncodeObject[];
  gasPrice: string;
}): Promise<TxOutcome> {
  const key = `${p.rpc}|${p.sender}`;
  let pending = clients.get(key);
  if (!pending) {
    pending = SigningCosmWasmClient.connectWithSigner(p.rpc, p.signer as OfflineSigner);
    clients.set(key, pending);
    pending.catch(() => clients.delete(key));
  }
  const client = await pending;
  let gas: number;
  try {
    gas = await client.simulate(p.sender, p.msgs, undefined);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { action: p.action, ok: false, stage: "simulation", reason: refusalText(detail), detail };
  }
  const fee = calculateFee(Math.ceil(gas * GAS_ADJUSTMENT), GasPrice.fromString(p.gasPrice));
  let res;
  try {
    res = await client.signAndBroadcast(p.sender, p.msgs, fee);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { action: p.action, ok: false, stage: "wallet", reason: refusalText(detail), detail };
  }
  const out: TxOutcome = {
    action: p.action,
    ok: res.code === 0,
    stage: res.code === 0 ? "done" : "chain",
    hash: res.transactionHash,
    height: res.height,
    gasUsed: res.gasUsed.toString(),
    gasWanted: res.gasWanted.toString(),
    code: res.code,
  };
  if (res.code !== 0) {
    out.reason = refusalText(res.rawLog ?? "");
    out.detail = res.rawLog;
  }
  return out;
}
