// Open governance proposals (from the chain's gov REST routes) with the staker's vote through
// the hub (`staker_vote`) and the hub's tally (`proposal_votes`).

import type { ProposalVotesResponse, StakerVoteResponse } from "../../clients/ts/src/RestakeHub.types";
import { voteForm } from "./act";
import type { Ctx } from "./context";
import { formatPct } from "./format";
import { html, type Html } from "./html";
import { bonded, empty, section, when } from "./ui";
import * as wallet from "./wallet";

export interface OpenProposal {
  id: number;
  title: string;
  summary: string;
  votingEnd: string | null;
  vote: StakerVoteResponse | null;
  hub: ProposalVotesResponse | null;
}

interface GovProposals {
  proposals?: { id: string; title?: string; summary?: string; voting_end_time?: string | null; messages?: { "@type"?: string }[] }[];
}

/** RFC 3339 → nanoseconds as a string (cosmwasm `Timestamp` form), null if unreadable. */
function nanos(t: string | null | undefined): string | null {
  if (!t) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : (BigInt(ms) * 1_000_000n).toString();
}

/** Proposals in their voting period; null if the chain serves no gov routes (restake serve). */
export async function openProposals(ctx: Ctx, staker: string): Promise<OpenProposal[] | null> {
  let list: GovProposals;
  try {
    list = await ctx.lcd.get<GovProposals>("/cosmos/gov/v1/proposals?proposal_status=PROPOSAL_STATUS_VOTING_PERIOD&pagination.limit=50");
  } catch {
    return null;
  }
  const proposals = list.proposals ?? [];
  return Promise.all(
    proposals.map(async (p) => {
      const id = Number(p.id);
      const [vote, hub] = await Promise.all([
        ctx.lcd.smart<StakerVoteResponse>({ staker_vote: { proposal_id: id, staker } }).catch(() => null),
        ctx.lcd.smart<ProposalVotesResponse>({ proposal_votes: { proposal_id: id } }).catch(() => null),
      ]);
      return {
        id,
        title: p.title || p.messages?.[0]?.["@type"] || `Proposal ${id}`,
        summary: p.summary ?? "",
        votingEnd: nanos(p.voting_end_time),
        vote,
        hub,
      };
    }),
  );
}

const OPTION: Record<string, string> = { yes: "Yes", no: "No", abstain: "Abstain", no_with_veto: "No with veto" };

function voteText(v: StakerVoteResponse | null): string {
  if (!v || (!v.option && !v.weighted)) return "not voted";
  if (v.option) return OPTION[v.option] ?? v.option;
  return (v.weighted ?? []).map((w) => `${OPTION[w.option] ?? w.option} ${formatPct(w.weight)}`).join(", ");
}

export function governancePanel(ctx: Ctx, proposals: OpenProposal[] | null, staker: string): Html {
  if (proposals === null) return html``;
  const c = wallet.connected();
  const mine = c !== null && c.address === staker;
  const body =
    proposals.length === 0
      ? empty("No proposal is in its voting period.", "empty-proposals")
      : html`<p class="hint">The hub votes for its stakers: your bonded stake counts for your choice; stake whose staker did not vote is not counted.</p>
      ${proposals.map(
        (p) => html`<article class="proposal" data-proposal="${p.id}" data-testid="proposal-${p.id}">
          <h3>#${p.id} ${p.title}</h3>
          ${p.summary ? html`<p class="muted">${p.summary}</p>` : ""}
          <p>Voting ends ${p.votingEnd ? when(ctx, p.votingEnd) : "—"}.
             Your vote: <b data-testid="staker-vote">${voteText(p.vote)}</b>${p.vote && BigInt(p.vote.stake) > 0n ? html` with <span data-testid="staker-vote-stake" data-raw="${p.vote.stake}">${bonded(ctx, p.vote.stake)}</span>` : ""}.
             ${p.hub ? html`Stakers who voted: <span data-testid="hub-voters-stake" data-raw="${p.hub.voters_stake}">${bonded(ctx, p.hub.voters_stake)}</span> of ${bonded(ctx, p.hub.hub_bonded)} in the hub.` : ""}</p>
          ${voteForm(p.id, mine, p.vote)}
        </article>`,
      )}`;
  return section("Governance: open proposals", body, "gov-panel");
}
