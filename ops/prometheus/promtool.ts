/**
 * Runs promtool and amtool. A missing tool is an UNAVAILABLE error that says
 * how to install it, never a silent skip.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/contract/errors.ts';

export type Tool = 'promtool' | 'amtool' | 'prometheus' | 'alertmanager';

const packages: Record<Tool, string> = {
  promtool: 'prometheus',
  prometheus: 'prometheus',
  amtool: 'prometheus-alertmanager',
  alertmanager: 'prometheus-alertmanager',
};

/** Debian installs the Alertmanager binary as prometheus-alertmanager. */
const binaryNames: Record<Tool, string[]> = {
  promtool: ['promtool'],
  prometheus: ['prometheus'],
  amtool: ['amtool'],
  alertmanager: ['alertmanager', 'prometheus-alertmanager'],
};

export function findTool(tool: Tool, envPath: string | undefined): string | undefined {
  for (const dir of (envPath ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of binaryNames[tool]) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not in this directory
      }
    }
  }
  return undefined;
}

export function requireTool(tool: Tool, envPath: string | undefined): string {
  const found = findTool(tool, envPath);
  if (!found) {
    throw new AppError(
      'UNAVAILABLE',
      `${tool} is not installed (apt-get install ${packages[tool]}, or put it on PATH)`,
    );
  }
  return found;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runTool(
  binary: string,
  args: string[],
  options: { cwd?: string } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
