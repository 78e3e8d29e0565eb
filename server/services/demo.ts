// "Try a demo workshop": a workshop built from the resilience fixture (6 groups, 60 people,
// 46 recommendations) with the group vote done, ready to merge, so a newcomer sees a full board.
import { addRecommendation } from '../../shared/doc.js';
import { generateId, groupDocName, recommendationTargetId } from '../../shared/ids.js';
import type { CreateWorkshopResult } from '../../shared/schemas.js';
import { loadResilienceFixture, type ResilienceFixture } from '../demo/fixture.js';
import type { Store } from '../store/store.js';
import type { DocAccess } from './board.js';
import type { WorkshopService } from './workshops.js';

/** A small deterministic generator (mulberry32), so every demo has the same votes. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function createDemoWorkshop(
  deps: { store: Store; workshops: WorkshopService; docs: DocAccess; now?: () => number },
  fixture: ResilienceFixture = loadResilienceFixture(),
): Promise<CreateWorkshopResult> {
  const { store, workshops, docs } = deps;
  const now = deps.now ?? Date.now;
  const created = await workshops.create({
    title: fixture.title,
    groups: fixture.groups.map((g) => ({ name: g.name, prompt: g.prompt })),
    voteBudget: fixture.voteBudget,
    language: fixture.language,
  });
  const groupIdOf = new Map(fixture.groups.map((g, i) => [g.key, created.groups[i]!.id]));
  const next = random(20261125);

  const participantIds = new Map<string, string[]>();
  for (const p of fixture.participants) {
    const groupId = groupIdOf.get(p.group);
    if (!groupId) continue;
    const id = generateId();
    // Demo people never log in: their token is a random value nobody holds.
    await store.addParticipant({
      id,
      workshopId: created.workshopId,
      groupId,
      name: p.name,
      tokenHash: `demo:${generateId()}${generateId()}`,
      createdAt: now(),
    });
    participantIds.set(groupId, [...(participantIds.get(groupId) ?? []), id]);
  }

  const recIds = new Map<string, string[]>();
  let minute = 0;
  for (const rec of fixture.recommendations) {
    const groupId = groupIdOf.get(rec.group);
    if (!groupId) continue;
    const authors = participantIds.get(groupId) ?? [];
    const id = generateId();
    await docs.withDoc(created.workshopId, groupDocName(groupId), (doc) =>
      addRecommendation(doc, {
        id,
        title: rec.title,
        body: rec.body,
        authorId: authors[Math.floor(next() * authors.length)] ?? '',
        createdAt: now() - 60 * 60_000 + minute++ * 60_000,
      }),
    );
    recIds.set(groupId, [...(recIds.get(groupId) ?? []), id]);
  }

  // The group vote: every participant spends their dots on their own group's recommendations.
  for (const [groupId, people] of participantIds) {
    const recs = recIds.get(groupId) ?? [];
    if (recs.length === 0) continue;
    for (const participantId of people) {
      for (let dot = 0; dot < fixture.voteBudget; dot++) {
        // Squaring skews the choice: some recommendations clearly lead, as in a real room.
        const recId = recs[Math.floor(next() ** 2 * recs.length)]!;
        await store.castVote({
          workshopId: created.workshopId,
          participantId,
          phase: 'vote',
          targetId: recommendationTargetId(groupId, recId),
          delta: 1,
          budget: fixture.voteBudget,
        });
      }
    }
  }

  await workshops.reload(created.workshopId);
  await workshops.update(created.workshopId, { phase: 'merge', votesRevealed: true });
  return created;
}
