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
