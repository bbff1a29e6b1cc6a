// Browser wallets: Keplr and Leap inject the same API (`window.keplr`, `window.leap`). The page
// asks the wallet to add a chain it does not know (a local network), to enable it, and for
// the key; signing goes through CosmJS (signer.ts, loaded on the first transaction) with the
// wallet's offline signer. The choice of wallet is remembered so a reload reconnects.

import type { EncodeObject } from "@cosmjs/proto-signing";

import type { Ctx } from "./context";
import { decimalAtoms, formatUnits } from "./format";
import type { TxOutcome } from "./txresult";

/** The part of Keplr's (and Leap's) injected API the page uses. */
export interface KeplrLike {
  enable(chainIds: string | string[]): Promise<void>;
  experimentalSuggestChain?(chainInfo: SuggestedChain): Promise<void>;
  getKey(chainId: string): Promise<{ name: string; bech32Address: string; isNanoLedger?: boolean }>;
  getOfflineSigner(chainId: string): unknown;
}

/** Keplr's `ChainInfo` for `experimentalSuggestChain` (the fields this page fills). */
export interface SuggestedChain {
  chainId: string;
  chainName: string;
  rpc: string;
  rest: string;
  bip44: { coinType: number };
  bech32Config: Record<string, string>;
  currencies: Currency[];
  feeCurrencies: (Currency & { gasPriceStep: { low: number; average: number; high: number } })[];
  stakeCurrency: Currency;
  features: string[];
}
interface Currency {
  coinDenom: string;
  coinMinimalDenom: string;
  coinDecimals: number;
}

export type WalletKind = "keplr" | "leap";
const LABELS: Record<WalletKind, string> = { keplr: "Keplr", leap: "Leap" };

declare global {
  interface Window {
    keplr?: KeplrLike;
    leap?: KeplrLike;
  }
}

export function available(): { kind: WalletKind; label: string }[] {
  return (["keplr", "leap"] as const).filter((k) => window[k]).map((kind) => ({ kind, label: LABELS[kind] }));
}

export interface Connected {
  kind: WalletKind;
  label: string;
  /** The key's name in the wallet. */
  name: string;
  address: string;
  chainId: string;
}

let current: Connected | null = null;
const REMEMBER = "restake-hub.wallet";

export const connected = (): Connected | null => current;

export function disconnect(): void {
  current = null;
  localStorage.removeItem(REMEMBER);
}

/** The wallet chosen last time, if the browser still has it. */
export function remembered(): WalletKind | null {
  const k = localStorage.getItem(REMEMBER);
  return (k === "keplr" || k === "leap") && window[k] ? k : null;
}

/** The RPC endpoint signing goes through: the setting, else the chain-registry's. */
export function rpcOf(ctx: Ctx): string {
  return ctx.settings.rpc || ctx.chain.known?.rpc || "";
}

/** The gas price in the bonded denom, as a decimal string: the setting, else the chain's fee
 * market, else the registry's average, else 0.025. */
export async function gasPriceOf(ctx: Ctx): Promise<string> {
  if (ctx.settings.gasPrice) return ctx.settings.gasPrice;
  const denom = ctx.config.bonded_denom;
  try {
    const r = await ctx.lcd.get<{ price?: { amount?: string } }>(`/feemarket/v1/gas_price/${encodeURIComponent(denom)}`);
    if (r.price?.amount) return `${trimDecimal(r.price.amount)}${denom}`;
  } catch {
    // no fee market module on this chain
  }
  const fee = ctx.chain.known?.fee.find(([d]) => d === denom);
  const price = fee?.[3] ?? fee?.[2] ?? fee?.[1] ?? 0.025;
  return `${price}${denom}`;
}

const trimDecimal = (d: string): string => formatUnits(decimalAtoms(d), 18).replace(/,/g, "");

/** Keplr's chain description of the chain behind the page (for chains it does not know). */
export function suggestion(ctx: Ctx, gasPrice: number): SuggestedChain {
  const p = ctx.chain.prefix;
  const d = ctx.bonded.decimals ?? 0;
  const currency = { coinDenom: ctx.bonded.symbol, coinMinimalDenom: ctx.config.bonded_denom, coinDecimals: d };
  return {
    chainId: ctx.chain.id,
    chainName: `${ctx.chain.id} (local)`,
    rpc: rpcOf(ctx),
    rest: ctx.lcd.base,
    bip44: { coinType: 118 },
    bech32Config: {
      bech32PrefixAccAddr: p,
      bech32PrefixAccPub: `${p}pub`,
      bech32PrefixValAddr: `${p}valoper`,
      bech32PrefixValPub: `${p}valoperpub`,
      bech32PrefixConsAddr: `${p}valcons`,
      bech32PrefixConsPub: `${p}valconspub`,
    },
    currencies: [currency],
    feeCurrencies: [{ ...currency, gasPriceStep: { low: gasPrice, average: gasPrice * 1.5, high: gasPrice * 2 } }],
    stakeCurrency: currency,
    features: ["cosmwasm"],
  };
}

export class WalletError extends Error {}

export async function connect(kind: WalletKind, ctx: Ctx): Promise<Connected> {
  const api = window[kind];
  if (!api) throw new WalletError(`${LABELS[kind]} is not installed in this browser.`);
  const chainId = ctx.chain.id;
  if (!chainId) throw new WalletError("The LCD endpoint does not say which chain it serves (node_info): the wallet cannot be enabled.");
  if (!rpcOf(ctx)) throw new WalletError("Signing needs the chain's RPC endpoint: set it in Settings.");
  if (!ctx.chain.known) {
    if (!api.experimentalSuggestChain) throw new WalletError(`${LABELS[kind]} cannot add the chain ${chainId}.`);
    const price = Number((await gasPriceOf(ctx)).replace(/[a-z/].*$/i, ""));
    await api.experimentalSuggestChain(suggestion(ctx, price));
  }
  await api.enable(chainId);
  const key = await api.getKey(chainId);
  current = { kind, label: LABELS[kind], name: key.name, address: key.bech32Address, chainId };
  localStorage.setItem(REMEMBER, kind);
  return current;
}

/** Simulates, signs with the connected wallet and broadcasts `msgs` as one transaction. */
export async function send(ctx: Ctx, action: string, msgs: EncodeObject[]): Promise<TxOutcome> {
  const c = current;
  if (!c) throw new WalletError("Connect a wallet first.");
  const api = window[c.kind];
  if (!api) throw new WalletError(`${c.label} went away.`);
  const { signAndSend } = await import("./signer");
  return signAndSend({
    action,
    rpc: rpcOf(ctx),
    signer: api.getOfflineSigner(c.chainId),
    sender: c.address,
    msgs,
    gasPrice: await gasPriceOf(ctx),
  });
}
