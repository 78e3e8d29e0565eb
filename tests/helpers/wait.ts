// Polling with a deadline: tests wait for a condition, never for a fixed time.
export async function waitFor<T>(
  check: () => T | Promise<T>,
  options: { timeout?: number; interval?: number; message?: string } = {},
): Promise<NonNullable<T>> {
  const { timeout = 5000, interval = 10, message = 'condition' } = options;
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${message}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
