// Hand-written (not generated): lets the generated clients run on CosmJS.
//
// ts-codegen 1.14 types its clients against InterchainJS-style interfaces (baseClient.ts).
// CosmJS' CosmWasmClient fits `ICosmWasmClient` as is; its SigningCosmWasmClient differs
// only in that `fee` is required, so this wrapper fills in "auto" (which needs a
// `gasPrice` in the CosmJS client options).
import type { Coin, StdFee } from "@interchainjs/types";

import type { ISigningCosmWasmClient } from "./baseClient";

/** What the generated signing client uses of CosmJS' `SigningCosmWasmClient`. */
export interface CosmJsSigningCosmWasmClient {
  queryContractSmart(address: string, queryMsg: Record<string, unknown>): Promise<any>;
  execute(
    senderAddress: string,
    contractAddress: string,
    msg: Record<string, unknown>,
    fee: StdFee | "auto" | number,
    memo?: string,
    funds?: readonly Coin[],
  ): Promise<any>;
}

/** Wraps a CosmJS `SigningCosmWasmClient` for `new RestakeHubClient(..)`. */
export function fromCosmJs(client: CosmJsSigningCosmWasmClient): ISigningCosmWasmClient {
  return {
    queryContractSmart: (address, query) => client.queryContractSmart(address, query),
    execute: (sender, contract, msg, fee = "auto", memo, funds) =>
      client.execute(sender, contract, msg, fee, memo, funds),
  };
}
