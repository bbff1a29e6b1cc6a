// "What could I lose": from the hub's own answers (positions, unbondings, services' max_slash),
// the tokens this staker loses if one service slashes its maximum on every validator, or if
// the chain slashes one validator at a given fraction. Pure functions; the hub rounds each
// pool's slash down, so a real slash can differ by 1 base unit per pool.

import type { PositionResponse, ServiceResponse, UnbondingResponse } from "../../clients/ts/src/RestakeHub.types";
import { decimalAtoms } from "./format";

const ONE = 10n ** 18n;
const times = (amount: string | bigint, fraction: bigint): bigint => (BigInt(amount) * fraction) / ONE;

export interface ServiceRisk {
  service_id: number;
  max_slash: string;
  /** Bonded and unbonding stake of the staker that the service can slash. */
  exposed: bigint;
  loss: bigint;
}

export interface ValidatorRisk {
  validator: string;
  bonded: bigint;
  unbonding: bigint;
  loss: bigint;
}

/** Unbondings still slashable: not yet paid out (a matured one stays until claimed). */
const slashable = (u: UnbondingResponse) => BigInt(u.amount) > 0n;

/** For every service the staker's stake secures (bonded or unbonding): its max-slash loss. */
export function serviceRisks(positions: PositionResponse[], unbondings: UnbondingResponse[], services: Map<number, ServiceResponse>): ServiceRisk[] {
  const ids = new Set<number>();
  for (const p of positions) p.service_ids.forEach((id) => ids.add(id));
  for (const u of unbondings.filter(slashable)) u.service_ids.forEach((id) => ids.add(id));
  return [...ids]
    .sort((a, b) => a - b)
    .map((id) => {
      const max = services.get(id)?.max_slash ?? "0";
      const f = decimalAtoms(max);
      let exposed = 0n;
      let loss = 0n;
      for (const p of positions.filter((p) => p.service_ids.includes(id))) {
        exposed += BigInt(p.amount);
        loss += times(p.amount, f);
      }
      for (const u of unbondings.filter((u) => slashable(u) && u.service_ids.includes(id))) {
        exposed += BigInt(u.amount);
        loss += times(u.amount, f);
      }
      return { service_id: id, max_slash: max, exposed, loss };
    });
}

/** For every validator the staker has stake on: the loss if the chain slashes it by `fraction`
 * (a decimal string). Unbonding entries count too: the chain slashes those that started after
 * the infraction, so this is an upper bound for them. */
export function validatorRisks(positions: PositionResponse[], unbondings: UnbondingResponse[], fraction: string): ValidatorRisk[] {
  const f = decimalAtoms(fraction);
  const by = new Map<string, { bonded: bigint; unbonding: bigint }>();
  const at = (v: string) => {
    let e = by.get(v);
    if (!e) by.set(v, (e = { bonded: 0n, unbonding: 0n }));
    return e;
  };
  for (const p of positions) at(p.validator).bonded += BigInt(p.amount);
  for (const u of unbondings.filter((u) => slashable(u) && !u.matured)) at(u.validator).unbonding += BigInt(u.amount);
  return [...by.entries()].map(([validator, e]) => ({
    validator,
    ...e,
    loss: times(e.bonded, f) + times(e.unbonding, f),
  }));
}
