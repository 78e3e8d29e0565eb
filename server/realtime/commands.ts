// The command table: for each client → server event, its payload schema, who may send it and
// what it does (a call to a service, then the broadcast that follows). Checked with `satisfies`
// against shared/protocol.ts, so every event has a handler and each answers the ack data the
// client expects.
import type { z } from 'zod';
import type { CommandData, CommandName } from '../../shared/protocol.js';
import {
  participantMovePayload,
  phaseSetPayload,
  screenSpotlightPayload,
  screenViewPayload,
  timerAddPayload,
  timerStartPayload,
  timerStopPayload,
  voteCastPayload,
  votesRevealPayload,
  workshopSettingsPayload,
} from '../../shared/schemas.js';
import {
  focusSetPayload,
  helpCallPayload,
  helpResolvePayload,
  messageClearPayload,
  messageSendPayload,
  privateRevealPayload,
  privateSetPayload,
  readySetPayload,
} from '../../shared/facilitation.js';
import type { FacilitationService } from '../services/facilitation.js';
import {
  cardApprovePayload,
  cardHidePayload,
  participantBlockPayload,
} from '../../shared/moderation.js';
import type { ModerationService } from '../services/moderation.js';
import { extendTimer, startTimer, stopTimer } from '../services/timer.js';
import type { RoundService } from '../services/rounds.js';
import { roundRequestSchema } from '../../shared/rounds.js';
import type { VoteService } from '../services/votes.js';
import type { Principal, WorkshopService } from '../services/workshops.js';
import type { Broadcasts } from './broadcasts.js';

/** One command: the payload's schema, whether only the facilitator may send it, and its work. */
export interface Command<S extends z.ZodType, T> {
  schema: S;
  facilitatorOnly: boolean;
  /** Runs on a payload that passed the schema; its result is the ack's data. */
  run: (payload: z.output<S>, principal: Principal) => Promise<T>;
}

/**
 * What the table must be: one command per event of the protocol, answering that event's ack data.
 * (The payload is `never` here so that each entry keeps its own schema's type.)
 */
export type CommandTable = {
  [E in CommandName]: {
    schema: z.ZodType;
    facilitatorOnly: boolean;
    run: (payload: never, principal: Principal) => Promise<CommandData<E>>;
  };
};

const anyone = { facilitatorOnly: false };
const facilitator = { facilitatorOnly: true };

/** One entry of the table, its payload typed by its schema. */
function command<S extends z.ZodType, T>(
  schema: S,
  who: { facilitatorOnly: boolean },
  run: (payload: z.output<S>, principal: Principal) => Promise<T>,
): Command<S, T> {
  return { schema, facilitatorOnly: who.facilitatorOnly, run };
}

export function createCommands(deps: {
  workshops: WorkshopService;
  votes: VoteService;
  broadcasts: Broadcasts;
  moderation: ModerationService;
  facilitation: FacilitationService;
  rounds: RoundService;
  now: () => number;
}) {
  const { workshops, votes, broadcasts, facilitation, now } = deps;
  return {
    // socket → service (rules, store) → broadcast, once.
    'vote:cast': command(voteCastPayload, anyone, async ({ targetId, delta }, p) => {
      const cast = await votes.cast(p, targetId, delta);
      broadcasts.voteCast(p.workshopId, cast.participantId, cast.mine);
      return { remaining: cast.remaining };
    }),
    'phase:set': command(phaseSetPayload, facilitator, async ({ phase }, p) => {
      await workshops.update(p.workshopId, { phase });
      broadcasts.talliesChanged(p.workshopId);
      return { phase };
    }),
    'timer:start': command(timerStartPayload, facilitator, async (payload, p) => {
      const timer = startTimer(now(), payload.seconds, payload.freezeAtZero);
      await workshops.update(p.workshopId, timer.patch);
      return { endsAt: timer.endsAt };
    }),
    'timer:add': command(timerAddPayload, facilitator, async ({ seconds }, p) => {
      const live = await workshops.live(p.workshopId);
      const timer = extendTimer(live.record, now(), seconds);
      await workshops.update(p.workshopId, timer.patch);
      return { endsAt: timer.endsAt };
    }),
    'timer:stop': command(timerStopPayload, facilitator, async (_payload, p) => {
      const timer = stopTimer();
      await workshops.update(p.workshopId, timer.patch);
      return { endsAt: timer.endsAt };
    }),
    'votes:reveal': command(votesRevealPayload, facilitator, async ({ revealed }, p) => {
      await workshops.update(p.workshopId, { votesRevealed: revealed });
      if (revealed) await broadcasts.sendTallies(p.workshopId);
      return { revealed };
    }),
    'participant:move': command(
      participantMovePayload,
      facilitator,
      async ({ participantId, groupId }, p) => {
        await workshops.moveParticipant(p.workshopId, participantId, groupId);
        return { groupId };
      },
    ),
    'workshop:settings': command(workshopSettingsPayload, facilitator, async (settings, p) => {
      const live = await workshops.update(p.workshopId, settings);
      return {
        groupChoiceLocked: live.record.groupChoiceLocked,
        joiningLocked: live.record.joiningLocked,
        anonymity: live.record.anonymity ?? 'named',
        moderation: live.record.moderation ?? 'open',
      };
    }),
    // Moderation (issue 16): see server/services/moderation.ts.
    'card:hide': command(cardHidePayload, facilitator, async ({ targetId, hidden }, p) => {
      await deps.moderation.hide(p.workshopId, targetId, hidden);
      return { targetId, hidden };
    }),
    'card:approve': command(cardApprovePayload, facilitator, async ({ targetId, approved }, p) => {
      await deps.moderation.approve(p.workshopId, targetId, approved);
      return { targetId, approved };
    }),
    'participant:block': command(
      participantBlockPayload,
      facilitator,
      async ({ participantId, blocked }, p) => {
        await workshops.setBlocked(p.workshopId, participantId, blocked);
        return { participantId, blocked };
      },
    ),
    'screen:view': command(screenViewPayload, facilitator, ({ view }, p) =>
      workshops.setScreen(p.workshopId, { view }),
    ),
    'screen:spotlight': command(screenSpotlightPayload, facilitator, ({ itemId }, p) =>
      workshops.setScreen(p.workshopId, { spotlight: itemId }),
    ),
    // The facilitator's room controls (issue 16): see server/services/facilitation.ts.
    'ready:set': command(readySetPayload, anyone, async ({ done }, p) => {
      await facilitation.setReady(p, done);
      broadcasts.recordChanged(p.workshopId);
      return { done };
    }),
    'message:send': command(messageSendPayload, facilitator, async ({ text, groupId }, p) => {
      const message = await facilitation.sendMessage(p.workshopId, text, groupId);
      broadcasts.roomMessage(p.workshopId, message);
      return message;
    }),
    'message:clear': command(messageClearPayload, facilitator, async ({ groupId }, p) => {
      const cleared = facilitation.clearMessage(p.workshopId, groupId ?? null);
      broadcasts.roomMessageCleared(p.workshopId, groupId ?? null);
      return { groupId: groupId ?? null, cleared };
    }),
    'help:call': command(helpCallPayload, anyone, async (_payload, p) => {
      const call = await facilitation.callHelp(p);
      broadcasts.recordChanged(p.workshopId);
      return call;
    }),
    'help:resolve': command(helpResolvePayload, facilitator, async ({ groupId }, p) => {
      const resolved = await facilitation.resolveHelp(p.workshopId, groupId);
      broadcasts.recordChanged(p.workshopId);
      return { groupId, resolved };
    }),
    'focus:set': command(focusSetPayload, facilitator, async ({ target }, p) => {
      const focus = await facilitation.setFocus(p.workshopId, target);
      broadcasts.recordChanged(p.workshopId);
      return { focus };
    }),
    'private:set': command(privateSetPayload, facilitator, async ({ on }, p) => ({
      private: await facilitation.setPrivate(p.workshopId, on),
    })),
    'private:reveal': command(privateRevealPayload, facilitator, async (_payload, p) => ({
      revealed: await facilitation.reveal(p.workshopId),
    })),
    // Rounds (issue 17): the plan first, then the same plan applied.
    'round:preview': command(roundRequestSchema, facilitator, (request, p) =>
      deps.rounds.preview(p.workshopId, request),
    ),
    'round:start': command(roundRequestSchema, facilitator, (request, p) =>
      deps.rounds.start(p.workshopId, request),
    ),
  } satisfies CommandTable;
}
