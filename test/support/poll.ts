/**
 * The one way tests wait for something that happens asynchronously: poll
 * `check` until it gives a value (anything but undefined or false), or fail
 * after `timeoutMs` saying what was awaited and the last error `check` threw.
 */
export async function until<T>(
  what: string | (() => string),
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  const awaited = typeof what === 'string' ? what : what();
  const cause = last ? ` (last error: ${(last as Error).message})` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${awaited}${cause}`);
}
