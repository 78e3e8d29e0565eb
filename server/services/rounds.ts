// Rounds (issue 17): between two rounds the facilitator re-forms the groups. A plan is computed
// from who is here (shared/formation.ts), shown, then applied in one unit of work: new groups,
// the old ones retired (their boards stay, read-only, in the report), everyone moved. Tiers
// (1-2-4-All) carry the cards up: a pair's board starts with its two members' cards, each
// remembering where it came from, so every plenary item's growth can be traced back.
import type * as Y from 'yjs';
import { ErrorCode } from '../../shared/errors.js';
import {
  balancedGroups,
  joinedGroups,
  randomGroups,
  rotateTables,
  seededRandom,
  type Member,
  type PlannedGroup,
} from '../../shared/formation.js';
import { addRecommendation, readRecommendations, type Recommendation } from '../../shared/doc.js';
import { generateId, groupDocName, recommendationTargetId } from '../../shared/ids.js';
import type { Language } from '../../shared/schemas.js';
import type { RoundPlan, RoundRequest } from '../../shared/rounds.js';
import { AppError } from '../errors.js';
import type { GroupRecord, Store } from '../store/store.js';
import { activeGroups, type LiveWorkshop, type WorkshopService } from './workshops.js';

export interface DocWriter {
  withDoc<T>(workshopId: string, docName: string, fn: (doc: Y.Doc) => T | Promise<T>): Promise<T>;
}

export interface RoundService {
  /** The plan a request gives now, without applying it (the console shows it first). */
  preview(workshopId: string, request: RoundRequest): Promise<RoundPlan>;
  /** Applies the plan of `request` (same seed, same plan) and starts the next round. */
  start(workshopId: string, request: RoundRequest): Promise<RoundPlan>;
}

const GROUP_WORDS: Record<Language, Record<'solo' | 'pairs' | 'fours' | 'groups', string>> = {
  fr: { solo: 'Solo', pairs: 'Binôme', fours: 'Quatuor', groups: 'Groupe' },
  en: { solo: 'Solo', pairs: 'Pair', fours: 'Four', groups: 'Group' },
};

function plan(live: LiveWorkshop, request: RoundRequest): PlannedGroup[] {
  const active = activeGroups(live);
  const activeIds = new Set(active.map((g) => g.id));
  const members: Member[] = [...live.participants.values()]
    .filter((p) => activeIds.has(p.groupId) && !p.blocked)
    .sort((a, b) => (a.ordinal ?? 0) - (b.ordinal ?? 0))
    .map((p) => ({
      participantId: p.id,
      groupId: p.groupId,
      ...(p.profile ? { profile: p.profile } : {}),
    }));
  const random = seededRandom(request.seed ?? 1);
  switch (request.formation) {
    case 'solo':
      return members.map((m) => ({ members: [m.participantId], from: [m.groupId] }));
    case 'random':
      return randomGroups(members, request.size ?? 4, random);
    case 'balanced':
      return balancedGroups(members, request.size ?? 4, random);
    case 'tiers':
      return joinedGroups(
        members,
        active.map((g) => g.id),
      );
    case 'rotate':
      return rotateTables(
        members,
        active.map((g) => g.id),
        new Map(active.flatMap((g) => (g.hostId ? [[g.id, g.hostId] as const] : []))),
      );
  }
}

/** The names and questions of the planned groups, in the workshop's language. */
function describe(live: LiveWorkshop, request: RoundRequest, planned: PlannedGroup[]): RoundPlan {
  const language = live.record.language;
  const byId = new Map(live.groups.map((g) => [g.id, g]));
  const sizes = planned.map((g) => g.members.length);
  const typical = sizes.sort((a, b) => a - b)[Math.floor(sizes.length / 2)] ?? 0;
  const word =
    request.formation === 'solo'
      ? GROUP_WORDS[language].solo
      : request.formation === 'tiers' && typical <= 2
        ? GROUP_WORDS[language].pairs
        : request.formation === 'tiers' && typical <= 4
          ? GROUP_WORDS[language].fours
          : GROUP_WORDS[language].groups;
  const round = (live.record.round ?? 1) + 1;
  return {
    round,
    groups: planned.map((group, index) => {
      const kept = group.keeps ? byId.get(group.keeps) : undefined;
      // A new group keeps the question its members worked on when they all shared one.
      const prompts = [...new Set(group.from.map((id) => byId.get(id)?.prompt ?? ''))];
      return {
        keeps: kept?.id ?? null,
        name: kept?.name ?? `${word} ${index + 1}`,
        prompt: kept?.prompt ?? (prompts.length === 1 ? prompts[0]! : (request.prompt ?? '')),
        members: group.members,
        from: request.formation === 'tiers' ? group.from : [],
        hostId: group.host ?? kept?.hostId ?? null,
      };
    }),
  };
}

export function createRoundService(deps: {
  store: Store;
  workshops: WorkshopService;
  docs: DocWriter;
  now?: () => number;
}): RoundService {
  const { store, workshops, docs } = deps;
  const now = deps.now ?? Date.now;

  async function preview(workshopId: string, request: RoundRequest): Promise<RoundPlan> {
    const live = await workshops.live(workshopId);
    if (live.participants.size === 0) {
      throw new AppError(ErrorCode.invalidPayload, 'Nobody has joined yet: no group to form.');
    }
    return describe(live, request, plan(live, request));
  }

  return {
    preview,
    async start(workshopId, request) {
      const live = await workshops.live(workshopId);
      const next = await preview(workshopId, request);
      const previous = activeGroups(live);
      const rotating = request.formation === 'rotate';
      const position = live.groups.length;
      const created = next.groups.map((group, index) => ({
        plan: group,
        record: rotating
          ? null
          : ({
              id: generateId(),
              workshopId,
              name: group.name,
              prompt: group.prompt,
              position: position + index,
              round: next.round,
              retiredRound: null,
              parents: group.from,
              hostId: group.hostId,
            } satisfies GroupRecord),
      }));
      const outcome = await store.transaction((tx) => {
        for (const { plan: group, record } of created) {
          const groupId = record?.id ?? group.keeps!;
          if (record) tx.addGroup(record);
          else tx.updateGroup(groupId, { hostId: group.hostId });
          for (const participantId of group.members) tx.moveParticipant(participantId, groupId);
        }
        if (!rotating)
          for (const old of previous) tx.updateGroup(old.id, { retiredRound: next.round - 1 });
        tx.updateWorkshop(workshopId, { round: next.round });
      });
      if (!outcome.ok) throw new AppError(ErrorCode.internal, 'The round could not be started.');

      // Tiers: each new board starts with the cards of the boards it joins, sources kept. The
      // new documents are written before anyone is told the round changed.
      if (request.formation === 'tiers') {
        const at = now();
        for (const { plan: group, record } of created) {
          if (!record) continue;
          const cards: { from: string; rec: Recommendation }[] = [];
          for (const from of group.from) {
            const recs = await docs.withDoc(workshopId, groupDocName(from), readRecommendations);
            for (const rec of recs) cards.push({ from, rec });
          }
          if (cards.length === 0) continue;
          await docs.withDoc(workshopId, groupDocName(record.id), (doc) => {
            doc.transact(() => {
              for (const { from, rec } of cards) {
                addRecommendation(doc, {
                  id: generateId(),
                  title: rec.title,
                  body: rec.body,
                  authorId: rec.authorId,
                  createdAt: rec.createdAt || at,
                  sources: [recommendationTargetId(from, rec.id)],
                });
              }
            });
          });
        }
      }
      await workshops.reload(workshopId);
      workshops.regrouped(workshopId);
      return next;
    },
  };
}
