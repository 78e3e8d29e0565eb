// npm run seed: creates the demo workshop (6 groups, 60 participants, 46 recommendations, group
// vote done, phase "merge") on a running Atelier and prints where to open it.
// ATELIER_URL picks the server (default http://localhost:3000).
const base = (process.env.ATELIER_URL ?? 'http://localhost:3000').replace(/\/+$/, '');

async function main() {
  let res;
  try {
    res = await fetch(`${base}/api/demo`, { method: 'POST' });
  } catch (error) {
    throw new Error(
      `Atelier does not answer at ${base} (is it started? npm start). ${error.cause?.message ?? error.message}`,
      {
        cause: error,
      },
    );
  }
  const body = await res.json().catch(() => null);
  if (res.status !== 201 || !body?.code || !body?.facilitatorKey) {
    throw new Error(`POST ${base}/api/demo answered ${res.status}: ${JSON.stringify(body)}`);
  }
  const { code, facilitatorKey, workshopId } = body;
  // A read-only key for the projection, so the screen never holds the facilitator's.
  const screen = await fetch(`${base}/api/workshops/${workshopId}/screen-key`, {
    method: 'POST',
    headers: { authorization: `Bearer ${facilitatorKey}` },
  });
  const screenKey = screen.status === 201 ? (await screen.json()).screenKey : null;
  const key = (k) => `#key=${encodeURIComponent(k)}`;
  process.stdout.write(
    [
      `Demo workshop ${code} created on ${base}`,
      '',
      `  Facilitator console  ${base}/w/${code}/facilitate${key(facilitatorKey)}`,
      `  Projection screen    ${base}/w/${code}/screen${screenKey ? key(screenKey) : ''}`,
      `  Participants join    ${base}/w/${code}`,
      '',
      'The facilitator link gives every right on this workshop: keep it to yourself.',
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
