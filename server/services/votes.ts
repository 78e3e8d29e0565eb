// Dot votes: the contract's rules for `vote:cast`, enforced here. Each voting phase has its own
// budget; votes may stack on one target; in `vote` a participant votes on their own group's
// recommendations only, in `prioritise` on the plenary items. The store makes the budget check
// and the write one atomic step, so casts racing from two tabs never overspend. A card deleted
// while it holds dots (by anyone, in any phase) gives them back to their owners (1.1): the live
// documents are observed for deleted entries.
import { EventEmitter } from 'node:events';
import * as Y from 'yjs';
import { itemsMap, recommendationsMap } from '../../shared/doc.js';
import { ErrorCode } from '../../shared/errors.js';
import {
  groupDocName,
  parseDocName,
  parseTargetId,
  PLENARY_DOC,
  plenaryTargetId,
  recommendationTargetId,
} from '../../shared/ids.js';
import { LIMITS } from '../../shared/limits.js';
import { isVotingPhase, type Phase, type VotingPhase } from '../../shared/phases.js';
import type { VotesMine, VotesProgress } from '../../shared/protocol.js';
import { AppError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { Principal, WorkshopService } from './workshops.js';

/**
 * The origin of transactions that replace a board and its votes together (restore, import): the
 * votes they bring are written after the documents, so the deletions they make return nothing.
 */
export const REPLACING_VOTES = Symbol('replacing votes');

export interface DocReader {
  withDoc<T>(workshopId: string, docName: string, fn: (doc: Y.Doc) => T): Promise<T>;
  /** Told of every live document (see Rooms.observe); returns a stop function for its unload. */
  observe(observer: (workshopId: string, docName: string, doc: Y.Doc) => (() => void) | void): void;
}

/** Dots given back to one participant because the card they were on is gone. */
export interface VoteReturn {
  participantId: string;
  targetId: string;
  count: number;
  /** The card's title when it was deleted (clipped), if it could be read. */
  title?: string;
}

export interface VoteEvents {
  /** Dots went back to their owners: each needs votes:mine and a notice, facilitators tallies. */
  returned: [workshopId: string, returns: VoteReturn[]];
  /** A cast was recorded (several processes: the others re-read this voter's dots, server/scale). */
  cast: [workshopId: string, participantId: string];
}

/** The voting phase whose budget a participant sees: the current one, else the last one passed. */
export function budgetPhase(phase: Phase): VotingPhase {
  if (isVotingPhase(phase)) return phase;
  return phase === 'closed' ? 'prioritise' : 'vote';
}

/** A cast that was recorded: what the voter has left, and their dots as `votes:mine` tells them. */
export interface CastOutcome {
  participantId: string;
  remaining: number;
  mine: VotesMine;
}

export interface VoteService {
  /** Emitted here, listened to in server/events.ts only. */
  readonly events: EventEmitter<VoteEvents>;
  /** The rules, then the store's atomic check and write; the caller broadcasts the outcome. */
  cast(principal: Principal, targetId: string, delta: 1 | -1): Promise<CastOutcome>;
  mine(workshopId: string, participantId: string): Promise<VotesMine>;
  /** Totals of both voting phases (their target ids never collide). */
  tallies(workshopId: string): Promise<Record<string, number>>;
  /** For facilitators: per group, who has started (one dot) and who is done (whole budget) in the current voting phase. */
  progress(workshopId: string): Promise<VotesProgress>;
  /** Gives back every dot on these targets (cards that are gone), titles by target id. */
  returnDots(workshopId: string, titles: Map<string, string | undefined>): Promise<VoteReturn[]>;
  /** Forgets the workshop's book (votes replaced wholesale, or the workshop deleted): reloaded on next use. */
  forgetBook(workshopId: string): void;
  /** Forgets a removed participant's dots (the store deleted them with the participant). */
  forgetVoter(workshopId: string, participantId: string): void;
}

/** One participant's dots: phase → target → count. */
type Dots = Record<VotingPhase, Map<string, number>>;

export function createVoteService(deps: {
  store: Store;
  workshops: WorkshopService;
  docs: DocReader;
  log: { error(message: string, fields?: Record<string, unknown>): void };
}): VoteService {
  const { store, workshops, docs, log } = deps;

  // Every participant's dots per workshop, kept in step with the store by this service's casts,
  // so that `votes:mine` after each dot costs no query (it was a third of a dot's cost in a
  // burst). Loaded on first use from the store; dropped when votes are replaced wholesale
  // (restore), and reloaded. The store stays the authority on budgets (castVote is atomic).
  // Several server processes would need this to follow the others' casts (or to go).
  const books = new Map<string, Promise<Map<string, Dots>>>();
  /** The same books once loaded: only those follow casts (a load in flight may miss one). */
  const loaded = new Map<string, Map<string, Dots>>();
  async function loadBook(workshopId: string): Promise<Map<string, Dots>> {
    const book = new Map<string, Dots>();
    for (const v of await store.allVotes(workshopId)) {
      dotsOf(book, v.participantId)[v.phase].set(v.targetId, v.count);
    }
    return book;
  }
  function bookOf(workshopId: string): Promise<Map<string, Dots>> {
    let book = books.get(workshopId);
    if (!book) {
      const loading = loadBook(workshopId);
      book = loading;
      books.set(workshopId, loading);
      loading.then(
        (b) => {
          if (books.get(workshopId) === loading) loaded.set(workshopId, b);
        },
        () => books.delete(workshopId),
      );
    }
    return book;
  }
  function dropBook(workshopId: string): void {
    books.delete(workshopId);
    loaded.delete(workshopId);
  }

  const events = new EventEmitter<VoteEvents>();

  async function returnDots(
    workshopId: string,
    titles: Map<string, string | undefined>,
  ): Promise<VoteReturn[]> {
    const removed = await store.removeVotesOn(workshopId, [...titles.keys()]);
    if (removed.length === 0) return [];
    const book = loaded.get(workshopId);
    if (book) {
      for (const v of removed) book.get(v.participantId)?.[v.phase].delete(v.targetId);
    } else if (books.has(workshopId)) {
      dropBook(workshopId);
    }
    // One return per owner and card, both phases together (a card is voted on in one phase).
    const byOwner = new Map<string, VoteReturn>();
    for (const v of removed) {
      const key = `${v.participantId}\u0000${v.targetId}`;
      const known = byOwner.get(key);
      if (known) known.count += v.count;
      else {
        const title = titles.get(v.targetId);
        byOwner.set(key, {
          participantId: v.participantId,
          targetId: v.targetId,
          count: v.count,
          ...(title ? { title } : {}),
        });
      }
    }
    const returns = [...byOwner.values()];
    events.emit('returned', workshopId, returns);
    return returns;
  }

  // Deleted entries of every live document: a recommendation (group document) or an item (the
  // plenary) that held dots gives them back. Deletions come from any writer (a participant's
  // bin, the facilitator's merge or split, a third-party client); those of a restore or an
  // import do not count, their votes come with them.
  docs.observe((workshopId, docName, doc) => {
    const ref = parseDocName(docName);
    if (!ref) return;
    const map = ref.kind === 'plenary' ? itemsMap(doc) : recommendationsMap(doc);
    const onChange = (event: Y.YMapEvent<Y.Map<unknown>>, transaction: Y.Transaction) => {
      if (transaction.origin === REPLACING_VOTES) return;
      const gone = new Map<string, string | undefined>();
      event.changes.keys.forEach((change, key) => {
        if (change.action !== 'delete') return;
        const targetId =
          ref.kind === 'plenary' ? plenaryTargetId(key) : recommendationTargetId(ref.groupId, key);
        gone.set(targetId, titleAtDeletion(change.oldValue));
      });
      if (gone.size === 0) return;
      returnDots(workshopId, gone).catch((error: unknown) => {
        // The store call is atomic: on failure the dots stay where they were (still counted).
        log.error('returning dots failed', { workshopId, error: String(error) });
      });
    };
    map.observe(onChange);
    return () => map.unobserve(onChange);
  });

  async function mine(workshopId: string, participantId: string): Promise<VotesMine> {
    const live = await workshops.live(workshopId);
    const phase = budgetPhase(live.record.phase);
    const dots = dotsOf(await bookOf(workshopId), participantId);
    const current = dots[phase];
    const other = dots[phase === 'vote' ? 'prioritise' : 'vote'];
    let spent = 0;
    for (const n of current.values()) spent += n;
    return {
      remaining: live.record.voteBudget - spent,
      votes: { ...Object.fromEntries(other), ...Object.fromEntries(current) },
    };
  }

  return {
    events,
    returnDots,
    mine,
    forgetBook: dropBook,
    forgetVoter(workshopId, participantId) {
      // The store deleted their dots with them; a book still loading reads the store after.
      loaded.get(workshopId)?.delete(participantId);
    },

    async cast(principal, targetId, delta) {
      if (principal.role !== 'participant') {
        throw new AppError(ErrorCode.forbidden, 'Only participants vote.');
      }
      const live = await workshops.live(principal.workshopId);
      // A participant removed since their socket opened votes no more.
      if (!live.participants.has(principal.participantId)) {
        throw new AppError(ErrorCode.unauthorized, 'You are no longer in this workshop.');
      }
      // Blocked by the facilitator (issue 16): no dot placed or taken back until unblocked.
      if (live.participants.get(principal.participantId)?.blocked === true) {
        throw new AppError(ErrorCode.forbidden, 'The facilitator has paused your contributions.');
      }
      const phase = live.record.phase;
      if (!isVotingPhase(phase))
        throw new AppError(ErrorCode.votingClosed, 'Voting is not open in this phase.');
      const target = parseTargetId(targetId);
      if (!target) throw new AppError(ErrorCode.invalidPayload, 'targetId: not a vote target.');

      // Withdrawing a dot needs no check beyond "you have one there": it must work even on a
      // card that was withdrawn since, so nobody's dots get stuck.
      if (delta === 1) {
        if (phase === 'vote') {
          if (target.kind !== 'recommendation') {
            throw new AppError(ErrorCode.notFound, 'In this phase, votes go to recommendations.');
          }
          const me = live.participants.get(principal.participantId);
          if (!me || target.groupId !== me.groupId) {
            throw new AppError(
              ErrorCode.forbidden,
              "You vote on your own group's recommendations.",
            );
          }
          const exists = await docs.withDoc(
            principal.workshopId,
            groupDocName(target.groupId),
            (doc) => recommendationsMap(doc).has(target.recommendationId),
          );
          if (!exists)
            throw new AppError(ErrorCode.notFound, 'This recommendation does not exist.');
        } else {
          if (target.kind !== 'plenary') {
            throw new AppError(ErrorCode.notFound, 'In this phase, votes go to the merged board.');
          }
          const exists = await docs.withDoc(principal.workshopId, PLENARY_DOC, (doc) =>
            itemsMap(doc).has(target.itemId),
          );
          if (!exists) throw new AppError(ErrorCode.notFound, 'This item does not exist.');
        }
      }

      const outcome = await store.castVote({
        workshopId: principal.workshopId,
        participantId: principal.participantId,
        phase,
        targetId,
        delta,
        budget: live.record.voteBudget,
      });
      if (!outcome.ok) {
        throw outcome.reason === 'budget_exhausted'
          ? new AppError(ErrorCode.budgetExhausted, 'You have no dots left in this phase.')
          : new AppError(ErrorCode.invalidPayload, 'You have no dot on this to take back.');
      }
      const book = loaded.get(principal.workshopId);
      if (book) {
        const dots = dotsOf(book, principal.participantId)[phase];
        const count = (dots.get(targetId) ?? 0) + delta;
        if (count > 0) dots.set(targetId, count);
        else dots.delete(targetId);
      } else if (books.has(principal.workshopId)) {
        // A book still loading may or may not have read this cast: the next use loads it again.
        dropBook(principal.workshopId);
      }
      events.emit('cast', principal.workshopId, principal.participantId);
      return {
        participantId: principal.participantId,
        remaining: outcome.remaining,
        mine: await mine(principal.workshopId, principal.participantId),
      };
    },

    async progress(workshopId) {
      const live = await workshops.live(workshopId);
      const phase = budgetPhase(live.record.phase);
      const byGroup: Record<string, number> = Object.fromEntries(live.groups.map((g) => [g.id, 0]));
      const doneByGroup: Record<string, number> = { ...byGroup };
      let total = 0;
      let done = 0;
      // From the book, which follows every cast: "started" is one dot or more in this phase,
      // "done" is the whole budget placed (a facilitator waits for those, not the first dot).
      for (const [participantId, dots] of await bookOf(workshopId)) {
        const groupId = live.participants.get(participantId)?.groupId;
        if (groupId === undefined) continue;
        let spent = 0;
        for (const n of dots[phase].values()) spent += n;
        if (spent <= 0) continue;
        total += 1;
        byGroup[groupId] = (byGroup[groupId] ?? 0) + 1;
        if (spent >= live.record.voteBudget) {
          done += 1;
          doneByGroup[groupId] = (doneByGroup[groupId] ?? 0) + 1;
        }
      }
      return { phase, byGroup, total, doneByGroup, done };
    },

    async tallies(workshopId) {
      const [vote, prioritise] = await Promise.all([
        store.tallies(workshopId, 'vote'),
        store.tallies(workshopId, 'prioritise'),
      ]);
      return { ...vote, ...prioritise };
    },
  };
}

/**
 * The title a deleted card had. Read inside the transaction that deleted it: its characters are
 * still there, marked deleted, until the transaction's cleanup collects them; characters deleted
 * by earlier transactions were collected then and are not read. Undefined when unreadable.
 */
function titleAtDeletion(entry: unknown): string | undefined {
  if (!(entry instanceof Y.Map)) return undefined;
  const value: unknown = entry._map.get('title')?.content.getContent()[0];
  let text = '';
  if (typeof value === 'string') text = value;
  else if (value instanceof Y.Text) {
    for (let item = value._start; item !== null; item = item.right) {
      if (item.content instanceof Y.ContentString) text += item.content.str;
    }
  } else return undefined;
  text = text.replace(/\s+/g, ' ').trim();
  return text ? text.slice(0, LIMITS.recommendationTitle) : undefined;
}

function dotsOf(book: Map<string, Dots>, participantId: string): Dots {
  let dots = book.get(participantId);
  if (!dots) {
    dots = { vote: new Map(), prioritise: new Map() };
    book.set(participantId, dots);
  }
  return dots;
}
