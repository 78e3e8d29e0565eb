// Dot votes: the contract's rules for `vote:cast`, enforced here. Each voting phase has its own
// budget; votes may stack on one target; in `vote` a participant votes on their own group's
// recommendations only, in `prioritise` on the plenary items. The store makes the budget check
// and the write one atomic step, so casts racing from two tabs never overspend.
import type * as Y from 'yjs';
import { itemsMap, recommendationsMap } from '../../shared/doc.js';
import { ErrorCode } from '../../shared/errors.js';
import { groupDocName, parseTargetId, PLENARY_DOC } from '../../shared/ids.js';
import { isVotingPhase, type Phase, type VotingPhase } from '../../shared/phases.js';
import type { VotesMine, VotesProgress } from '../../shared/protocol.js';
import { AppError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { Principal, WorkshopService } from './workshops.js';

export interface DocReader {
  withDoc<T>(workshopId: string, docName: string, fn: (doc: Y.Doc) => T): Promise<T>;
}

/** The voting phase whose budget a participant sees: the current one, else the last one passed. */
export function budgetPhase(phase: Phase): VotingPhase {
  if (isVotingPhase(phase)) return phase;
  return phase === 'closed' ? 'prioritise' : 'vote';
}

export interface VoteService {
  cast(principal: Principal, targetId: string, delta: 1 | -1): Promise<{ remaining: number }>;
  mine(workshopId: string, participantId: string): Promise<VotesMine>;
  /** Totals of both voting phases (their target ids never collide). */
  tallies(workshopId: string): Promise<Record<string, number>>;
  /** For facilitators: how many participants of each group hold dots in the current voting phase. */
  progress(workshopId: string): Promise<VotesProgress>;
}

/** One participant's dots: phase → target → count. */
type Dots = Record<VotingPhase, Map<string, number>>;

export function createVoteService(deps: {
  store: Store;
  workshops: WorkshopService;
  docs: DocReader;
}): VoteService {
  const { store, workshops, docs } = deps;

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
  workshops.events.on('votes', dropBook);

  return {
    async cast(principal, targetId, delta) {
      if (principal.role !== 'participant') {
        throw new AppError(ErrorCode.forbidden, 'Only participants vote.');
      }
      const live = await workshops.live(principal.workshopId);
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
      return { remaining: outcome.remaining };
    },

    async mine(workshopId, participantId) {
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
    },

    async progress(workshopId) {
      const live = await workshops.live(workshopId);
      const phase = budgetPhase(live.record.phase);
      const byGroup: Record<string, number> = Object.fromEntries(live.groups.map((g) => [g.id, 0]));
      const voters = await store.voters(workshopId, phase);
      for (const participantId of voters) {
        const groupId = live.participants.get(participantId)?.groupId;
        if (groupId !== undefined) byGroup[groupId] = (byGroup[groupId] ?? 0) + 1;
      }
      return { phase, byGroup, total: voters.length };
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

function dotsOf(book: Map<string, Dots>, participantId: string): Dots {
  let dots = book.get(participantId);
  if (!dots) {
    dots = { vote: new Map(), prioritise: new Map() };
    book.set(participantId, dots);
  }
  return dots;
}
