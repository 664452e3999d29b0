/**
 * A detached tmux session of a fixed size on its own server socket, for
 * driving full-screen `pongctl` commands like a person would: read the screen
 * with capture-pane, type with send-keys, resize the window, and ask tmux
 * whether the alternate screen is on and the cursor visible. Each session's
 * command reports its exit code on the screen ("EXIT=<code>") and the pane
 * stays, so a test can read what the terminal looks like afterwards.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { pongctlBin } from './cli.ts';

const run = promisify(execFile);

export function tmuxAvailable(): boolean {
  return spawnSync('tmux', ['-V']).status === 0;
}

export interface TmuxSession {
  /** The visible screen, one string per row. */
  screen(): Promise<string>;
  /** Polls the screen until `test` passes; rejects with the last screen after `timeoutMs`. */
  waitFor(test: RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  /** tmux key names or literal text (`-l`). */
  keys(keys: string[], literal?: boolean): Promise<void>;
  resize(width: number, height: number): Promise<void>;
  /** Whether the pane shows the alternate screen, and whether its cursor is visible. */
  flags(): Promise<{ alternate: boolean; cursorVisible: boolean }>;
  /** Kills the pongctl process with SIGKILL, as a crash or a lost connection would end it. */
  crash(): Promise<void>;
  kill(): Promise<void>;
}

/** Starts `pongctl <args>` in a detached width × height tmux session with `env`. */
export async function tmuxPongctl(
  args: string[],
  options: { env: Record<string, string>; width?: number; height?: number },
): Promise<TmuxSession> {
  const socket = `pongctl-test-${process.pid}-${randomBytes(6).toString('hex')}`;
  const tmux = (...argv: string[]) =>
    run('tmux', ['-L', socket, '-f', '/dev/null', ...argv], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', TERM: 'xterm-256color' },
    });
  const quoted = [process.execPath, pongctlBin, ...args]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const command = `${quoted}; echo "EXIT=$?"; sleep 600`;
  const envArgs = Object.entries({ LANG: 'C.UTF-8', ...options.env }).flatMap(([k, v]) => [
    '-e',
    `${k}=${v}`,
  ]);
  await tmux(
    '-u',
    'new-session',
    '-d',
    '-s',
    'main',
    '-x',
    String(options.width ?? 80),
    '-y',
    String(options.height ?? 24),
    ...envArgs,
    command,
  );
  // A fixed window size that follows `resize`, whatever clients attach (none do).
  await tmux('set-option', '-g', 'window-size', 'manual');
  const socketPath = (await tmux('display-message', '-p', '#{socket_path}')).stdout.trim();
  const screen = async () => (await tmux('capture-pane', '-p', '-t', 'main')).stdout;
  return {
    screen,
    async waitFor(test, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      const ok = typeof test === 'function' ? test : (s: string) => test.test(s);
      let last = '';
      while (Date.now() < deadline) {
        last = await screen();
        if (ok(last)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the screen did not show ${String(test)} within ${timeoutMs} ms:\n${last}`);
    },
    async keys(keys, literal = false) {
      await tmux('send-keys', '-t', 'main', ...(literal ? ['-l'] : []), ...keys);
    },
    async resize(width, height) {
      await tmux('resize-window', '-t', 'main', '-x', String(width), '-y', String(height));
    },
    async flags() {
      const out = (
        await tmux('display-message', '-p', '-t', 'main', '#{alternate_on} #{cursor_flag}')
      ).stdout.trim();
      const [alternate, cursor] = out.split(' ');
      return { alternate: alternate === '1', cursorVisible: cursor === '1' };
    },
    async crash() {
      const shell = (
        await tmux('display-message', '-p', '-t', 'main', '#{pane_pid}')
      ).stdout.trim();
      const child = spawnSync('pgrep', ['-P', shell]).stdout.toString().trim().split('\n')[0];
      if (!child) throw new Error(`no pongctl process under the pane's shell ${shell}`);
      process.kill(Number(child), 'SIGKILL');
    },
    async kill() {
      await tmux('kill-server').catch(() => undefined);
      // tmux leaves its socket file behind after kill-server.
      if (socketPath.includes('pongctl-test-')) rmSync(socketPath, { force: true });
    },
  };
}
