/**
 * Start-up speed of `pongctl`. commander imports node:child_process, fs, util,
 * process, path and events as ES modules. For each builtin imported that way
 * Node builds an ESM facade by reading every export, which fires the lazy
 * getters (fs.promises, util.parseArgs, util.diff, process.report, ...) and
 * loads ~60 internal modules that `pongctl --help` never uses: ≈ 10 ms of CPU
 * on a start-up budget of ≈ 35 ms. These in-thread module hooks hand commander
 * the plain builtin objects (process.getBuiltinModule, no facade) and load
 * child_process on first use. Nothing else is redirected.
 */
import type { LoadHookSync, ResolveHookSync, RegisterHooksOptions } from 'node:module';

const scheme = 'pongctl-builtin:';
const get = (name: string): string => `process.getBuiltinModule(${JSON.stringify(name)})`;

/**
 * Exactly the bindings commander imports (test/unit/commander-shims.test.ts
 * checks this list against commander's source, so an upgrade that imports
 * something new fails a test rather than the CLI).
 */
export const commanderBuiltins: Readonly<
  Record<string, { default?: true; named?: readonly string[] }>
> = {
  'node:child_process': { default: true },
  'node:events': { named: ['EventEmitter'] },
  'node:fs': { default: true },
  'node:path': { default: true },
  'node:process': { default: true },
  'node:util': { named: ['stripVTControlCharacters'] },
};

/** The source of the shim module that stands in for one builtin. */
export function shimSource(specifier: string): string {
  const spec = commanderBuiltins[specifier];
  if (!spec) throw new Error(`no shim for ${specifier}`);
  // child_process (net, dgram, streams) is only needed to run executable subcommands, which pongctl has none of.
  const lazy = specifier === 'node:child_process';
  const lines = [lazy ? `const load = () => ${get(specifier)};` : `const m = ${get(specifier)};`];
  if (spec.default)
    lines.push(
      lazy
        ? 'export default new Proxy({}, { get: (_, key) => load()[key] });'
        : 'export default m;',
    );
  if (spec.named?.length)
    lines.push(`export const { ${spec.named.join(', ')} } = ${lazy ? 'load()' : 'm'};`);
  return lines.join('\n');
}

const resolve: ResolveHookSync = (specifier, context, next) => {
  if (specifier in commanderBuiltins && context.parentURL?.includes('/node_modules/commander/')) {
    return { url: scheme + specifier, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
};

const load: LoadHookSync = (url, context, next) => {
  if (url.startsWith(scheme))
    return { format: 'module', source: shimSource(url.slice(scheme.length)), shortCircuit: true };
  return next(url, context);
};

/** Installs the hooks; a Node without `module.registerHooks` simply takes the slower path. */
export function installCommanderShims(
  registerHooks: ((options: RegisterHooksOptions) => unknown) | undefined,
): void {
  registerHooks?.({ resolve, load });
}
