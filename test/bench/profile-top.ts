/**
 * `node test/bench/profile-top.ts <file.cpuprofile> [n]`: the top self-time
 * functions of a V8 CPU profile (from `npm run bench -- --profile`), and the
 * same grouped by package, to see where a request's microseconds go.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

function place(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const repo = url.indexOf('/work/');
  return repo >= 0 ? url.slice(url.indexOf('/', repo + 6) + 1) : url || '(native)';
}

function packageOf(url: string): string {
  const p = place(url);
  if (!url.includes('node_modules/')) return url.startsWith('node:') ? 'node:internal' : p.split('/')[0] || p;
  const parts = p.split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function top(totals: Map<string, number>, all: number, n: number): string[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((100 * v) / all).toFixed(1).padStart(5)}%  ${k}`);
}

function main(file: string, n: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let all = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    // Percentages are of busy time: idle samples say nothing about the request path.
    if (node.callFrame.functionName === '(idle)') {
      idle += hits;
      continue;
    }
    all += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${place(url)}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
    const pkg = url ? packageOf(url) : functionName;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
  }
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  console.log(`${file}: ${all} busy samples (+${idle} idle) over ${seconds.toFixed(1)} s\n\nby function (self, % of busy):`);
  console.log(top(byFunction, all, n).join('\n'));
  console.log('\nby package / file (self):');
  console.log(top(byPackage, all, n).join('\n'));
}

const [file, n] = process.argv.slice(2);
if (!file) {
  console.error('usage: node test/bench/profile-top.ts <file.cpuprofile> [n]');
  process.exit(2);
}
main(file, Number(n ?? 40));
