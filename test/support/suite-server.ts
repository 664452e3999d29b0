/**
 * One server for a describe block: started in a `before` (with the start-up
 * time a busy shared machine needs) and stopped in an `after`. What it returns
 * stands for the server: tests and later hooks use it as the server itself.
 */
export function suiteServer<S extends { stop(): Promise<unknown> }>(
  start: () => Promise<S>,
  startTimeoutMs = 90_000,
): S {
  let server: S | undefined;
  before(async function () {
    this.timeout(startTimeoutMs);
    server = await start();
  });
  after(async () => {
    await server?.stop();
    server = undefined;
  });
  return new Proxy({} as S, {
    get(_target, key) {
      if (!server) throw new Error('the suite server is used outside its describe block');
      const value: unknown = Reflect.get(server, key, server);
      // Methods of a class instance need it as `this`; own properties (closures, a knex) go as they are.
      const method = typeof value === 'function' && !Object.hasOwn(server, key);
      return method ? (value as (...a: unknown[]) => unknown).bind(server) : value;
    },
  });
}
