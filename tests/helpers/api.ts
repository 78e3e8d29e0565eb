// Thin HTTP helpers over the public API, for tests and the benchmark.
import type { CreateWorkshopBody, CreateWorkshopResult, JoinResult } from '../../shared/schemas.js';

export async function createWorkshop(
  baseUrl: string,
  body: CreateWorkshopBody = { title: 'Atelier test', groups: ['Groupe A', 'Groupe B'] },
): Promise<CreateWorkshopResult> {
  const res = await fetch(`${baseUrl}/api/workshops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`create workshop: ${res.status} ${await res.text()}`);
  return (await res.json()) as CreateWorkshopResult;
}

export async function joinWorkshop(
  baseUrl: string,
  code: string,
  body: { name: string; groupId?: string },
): Promise<JoinResult> {
  const res = await fetch(`${baseUrl}/api/workshops/${code}/participants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`join: ${res.status} ${await res.text()}`);
  return (await res.json()) as JoinResult;
}
