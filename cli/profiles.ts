/**
 * Named profiles in $XDG_CONFIG_HOME/pongctl/config.json (mode 0600): which API
 * to talk to and the credentials for it. Validated on read; written atomically.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../api/contract/errors.ts';

/** Where Elasticsearch or Kibana is and how to authenticate (passwords are never stored: env or stdin). */
const serviceSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).optional(),
  apiKey: z.string().optional(),
  username: z.string().optional(),
  ca: z.string().optional(),
});

export const profileSchema = z.strictObject({
  api: z.url({ protocol: /^https?$/ }).optional(),
  elasticsearch: serviceSchema.optional(),
  kibana: serviceSchema.optional(),
  output: z.enum(['table', 'json', 'yaml']).optional(),
  accessToken: z.string().optional(),
  refreshToken: z.string().optional(),
  accessTokenExpiresAt: z.string().optional(),
  username: z.string().optional(),
});

export type Profile = z.infer<typeof profileSchema>;

const profileName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'profile names are 1-64 letters, digits, _ or -');

const fileSchema = z.strictObject({
  currentProfile: profileName,
  profiles: z.record(profileName, profileSchema),
});

export type ProfileFile = z.infer<typeof fileSchema>;

/** Keys a user may set with `pongctl config set`. Tokens are written by `login`. */
export const settableKeys = ['api', 'output'] as const;
export type SettableKey = (typeof settableKeys)[number];

export function configPath(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'pongctl', 'config.json');
}

export function validateProfileName(name: string): string {
  const parsed = profileName.safeParse(name);
  if (!parsed.success) throw new AppError('VALIDATION', parsed.error.issues[0]!.message);
  return parsed.data;
}

export function readProfiles(file: string): ProfileFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { currentProfile: 'default', profiles: {} };
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('CONFIG', `${file} is not valid JSON`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${file}: ${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new AppError('CONFIG', `${file} is not a valid pongctl config`, problems);
  }
  return parsed.data;
}

export function writeProfiles(file: string, data: ProfileFile): void {
  const checked = fileSchema.parse(data);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(checked, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}
