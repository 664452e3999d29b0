/**
 * What a cluster version supports, so `retention apply` refuses a plan the
 * cluster would reject or silently mishandle: ILM actions per phase (freeze
 * was removed in 8.0), data stream lifecycle (GA in 8.14), and the client's
 * major (the 9.x client talks to 9.x servers only).
 */
import { AppError } from '../../api/contract/errors.ts';

export interface ClusterVersion {
  number: string;
  major: number;
  minor: number;
}

/** The client major pongctl ships with (package.json); an operator may install the 8.x client instead. */
export const clientMajor = 9;

export function parseVersion(number: string): ClusterVersion {
  const match = /^(\d+)\.(\d+)/.exec(number);
  if (!match) throw new AppError('VALIDATION', `cannot read the Elasticsearch version "${number}"`);
  return { number, major: Number(match[1]), minor: Number(match[2]) };
}

const at = (v: ClusterVersion, major: number, minor = 0) =>
  v.major > major || (v.major === major && v.minor >= minor);

/** ILM actions allowed per phase in 8.x and 9.x (Elasticsearch reference, "Index lifecycle actions"). */
const phaseActions: Record<string, readonly string[]> = {
  hot: [
    'set_priority',
    'unfollow',
    'rollover',
    'readonly',
    'shrink',
    'forcemerge',
    'searchable_snapshot',
    'downsample',
  ],
  warm: [
    'set_priority',
    'unfollow',
    'readonly',
    'allocate',
    'migrate',
    'shrink',
    'forcemerge',
    'downsample',
  ],
  cold: [
    'set_priority',
    'unfollow',
    'readonly',
    'searchable_snapshot',
    'allocate',
    'migrate',
    'downsample',
  ],
  frozen: ['unfollow', 'searchable_snapshot'],
  delete: ['wait_for_snapshot', 'delete'],
};

/** Problems an ILM policy would hit on this cluster version; empty when it is fine. */
export function ilmProblems(
  name: string,
  body: Record<string, unknown>,
  version: ClusterVersion,
): string[] {
  const phases = ((
    body.policy as { phases?: Record<string, { actions?: Record<string, unknown> }> }
  )?.phases ?? {}) as Record<string, { actions?: Record<string, unknown> }>;
  const problems: string[] = [];
  for (const [phase, { actions = {} }] of Object.entries(phases)) {
    const allowed = phaseActions[phase];
    if (!allowed) {
      problems.push(`${name}: unknown ILM phase "${phase}"`);
      continue;
    }
    for (const action of Object.keys(actions)) {
      if (action === 'freeze' && at(version, 8)) {
        problems.push(
          `${name}: the ILM action "freeze" (${phase} phase) was removed in Elasticsearch 8.0; this cluster runs ${version.number}. Remove it (frozen data needs searchable snapshots).`,
        );
      } else if (action !== 'freeze' && !allowed.includes(action)) {
        problems.push(`${name}: the ILM action "${action}" is not allowed in the ${phase} phase`);
      } else if (action === 'downsample' && !at(version, 8, 5)) {
        problems.push(`${name}: the ILM action "downsample" needs Elasticsearch 8.5`);
      }
    }
  }
  return problems;
}

/** Data stream lifecycle (`data_retention`) is GA from 8.14. */
export function lifecycleProblems(version: ClusterVersion): string[] {
  return at(version, 8, 14)
    ? []
    : [
        `data stream lifecycle (mode: lifecycle) needs Elasticsearch 8.14 or newer; this cluster runs ${version.number}. Use mode: ilm.`,
      ];
}

/** A client refuses (and is refused by) other server majors: say so plainly. `installed` is the client's major. */
export function clientProblems(version: ClusterVersion, installed: number = clientMajor): string[] {
  if (version.major === installed) return [];
  return [
    `this pongctl uses the Elasticsearch ${installed}.x client and the cluster runs ${version.number}; the client's major must match the server's (see the README, "Using an 8.x cluster")`,
  ];
}

export function refuse(problems: string[], what: string): void {
  if (problems.length > 0)
    throw new AppError('VALIDATION', `${what}: the cluster does not support this plan`, problems);
}
