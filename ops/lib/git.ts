/** The commit the desired state comes from, for version messages: PONGCTL_GIT_COMMIT, else git, else "unknown". */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function gitCommit(env: Record<string, string | undefined>): string {
  if (env.PONGCTL_GIT_COMMIT) return env.PONGCTL_GIT_COMMIT;
  try {
    const cwd = fileURLToPath(new URL('.', import.meta.url));
    const sha = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
    const dirty = execFileSync(
      'git',
      ['status', '--porcelain', '--', '../grafana', '../prometheus'],
      { cwd, stdio: ['ignore', 'pipe', 'ignore'] },
    )
      .toString()
      .trim();
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
}
