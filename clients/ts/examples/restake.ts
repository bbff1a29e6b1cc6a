// A staker's round trip with the generated client and CosmJS: deposit, opt in, claim
// rewards, read the position and the overview. Type-checked by `npm run typecheck`.
//
//   RPC=https://rpc.example.org MNEMONIC="..." HUB=cosmos1... VAL=cosmosvaloper1... \
//     npx tsx examples/restake.ts
//
// The generated clients take any object with `queryContractSmart` (and `execute` for the
// signing one): CosmJS' CosmWasmClient as is, its SigningCosmWasmClient through `fromCosmJs`.
import { CosmWasmClient, SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice } from "@cosmjs/stargate";

import {
  fromCosmJs,
  PositionResponse,
  RestakeHubClient,
  RestakeHubQueryClient,
  StakerOverviewResponse,
} from "../src";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

export async function main(): Promise<void> {
  const rpc = env("RPC");
  const hub = env("HUB");
  const validator = env("VAL");
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(env("MNEMONIC"), { prefix: "cosmos" });
  const [{ address: staker }] = await wallet.getAccounts();

  // "auto" fees (the generated methods' default) need a gas price.
  const signer = await SigningCosmWasmClient.connectWithSigner(rpc, wallet, {
    gasPrice: GasPrice.fromString("0.005uatom"),
  });
  const restake = new RestakeHubClient(fromCosmJs(signer), staker, hub);

  // The bonded denom and the minimum deposit come from the hub's config.
  const config = await restake.config();

  // Deposit: funds in the bonded denom only, at least `min_deposit`.
  await restake.deposit({ validator }, "auto", "restake: deposit", [
    { denom: config.bonded_denom, amount: config.min_deposit },
  ]);

  // Opt the whole position on `validator` into services 1 and 2.
  await restake.optIn({ validator, serviceIds: [1, 2] });

  // Pays every pending reward: services' denoms and tokens, native staking rewards.
  const pending = await restake.pendingRewards({ staker });
  if (pending.rewards.length > 0) {
    await restake.claimRewards();
  }

  // Read-only access needs no wallet.
  const reader = new RestakeHubQueryClient(await CosmWasmClient.connect(rpc), hub);
  const position: PositionResponse = await reader.position({ staker, validator });
  const overview: StakerOverviewResponse = await reader.stakerOverview({ staker });
  console.log(
    `bonded on ${position.validator}: ${position.amount} ${config.bonded_denom}, ` +
      `securing services [${position.service_ids.join(", ")}]; ` +
      `could lose at most ${overview.max_slash_exposure} if every service slashed its maximum`,
  );
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
