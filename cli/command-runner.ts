/** The signature every command action is written against. */
import type { CliContext } from './context.ts';

/** A command body: gets the resolved context and the positional arguments and options. */
export type CommandImpl = (ctx: CliContext, ...args: any[]) => Promise<number | void>;

/** Wraps a command body into a commander action that resolves the context first. */
export type CommandRunner = (impl: CommandImpl) => (...args: unknown[]) => Promise<void>;
