// Every page of the hub's lists, typed by the generated client types.

import type {
  PositionResponse,
  PositionsResponse,
  ServiceResponse,
  ServicesResponse,
  ServiceStakeResponse,
  SlashRequestResponse,
  SlashRequestsResponse,
  SlashStatus,
  UnbondingResponse,
  UnbondingsResponse,
  ValidatorStake,
} from "../../clients/ts/src/RestakeHub.types";
import type { Lcd } from "./lcd";

const LIMIT = 30;

export async function allServices(lcd: Lcd): Promise<ServiceResponse[]> {
  return lcd.all(
    async (after?: number) =>
      (await lcd.smart<ServicesResponse>({ services: { start_after: after ?? null, limit: LIMIT } })).services,
    (s) => s.id,
    LIMIT,
  );
}

export async function allSlashRequests(
  lcd: Lcd,
  filter: { service_id?: number; validator?: string; status?: SlashStatus } = {},
): Promise<SlashRequestResponse[]> {
  return lcd.all(
    async (after?: number) =>
      (
        await lcd.smart<SlashRequestsResponse>({
          slash_requests: { ...filter, start_after: after ?? null, limit: LIMIT },
        })
      ).slash_requests,
    (r) => r.id,
    LIMIT,
  );
}

export async function allPositions(lcd: Lcd, staker: string): Promise<PositionResponse[]> {
  return lcd.all(
    async (after?: string) =>
      (await lcd.smart<PositionsResponse>({ positions: { staker, start_after: after ?? null, limit: LIMIT } })).positions,
    (p) => p.validator,
    LIMIT,
  );
}

export async function allUnbondings(lcd: Lcd, staker: string): Promise<UnbondingResponse[]> {
  return lcd.all(
    async (after?: number) =>
      (await lcd.smart<UnbondingsResponse>({ unbondings: { staker, start_after: after ?? null, limit: LIMIT } }))
        .unbondings,
    (u) => u.id,
    LIMIT,
  );
}

export async function serviceStake(lcd: Lcd, service_id: number): Promise<{ total: string; validators: ValidatorStake[] }> {
  let total = "0";
  const validators = await lcd.all(
    async (after?: string) => {
      const r = await lcd.smart<ServiceStakeResponse>({
        service_stake: { service_id, start_after: after ?? null, limit: LIMIT },
      });
      total = r.total;
      return r.validators;
    },
    (v) => v.validator,
    LIMIT,
  );
  return { total, validators };
}

interface ValidatorsPage {
  validators: { operator_address: string; description?: { moniker?: string } }[];
  pagination?: { next_key?: string | null };
}

/** The chain's bonded validators as [operator address, moniker] (empty if the LCD has no
 * staking module routes, as under `restake serve`). */
export async function bondedValidators(lcd: Lcd): Promise<[string, string][]> {
  const out: [string, string][] = [];
  let key: string | null | undefined;
  try {
    for (let i = 0; i < 10; i++) {
      const q = `/cosmos/staking/v1beta1/validators?status=BOND_STATUS_BONDED&pagination.limit=200${key ? `&pagination.key=${encodeURIComponent(key)}` : ""}`;
      const page = await lcd.get<ValidatorsPage>(q);
      for (const v of page.validators ?? []) out.push([v.operator_address, v.description?.moniker ?? ""]);
      key = page.pagination?.next_key;
      if (!key) break;
    }
  } catch {
    return out;
  }
  return out;
}
