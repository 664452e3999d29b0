/**
 * `node test/bench/profile-top.ts <file.cpuprofile> [n] [requests]`: the top
 * self-time functions of a V8 CPU profile (from `npm run bench -- --profile`),
 * and the same grouped by package, to see where a request's microseconds go.
 * With `requests` (how many the process answered), also µs per request.
 * With `--late` (a runner window's profile, `<file>.late.json` beside it):
 * for each tick over 1 ms late, what the process was doing while it waited.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
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
  if (!url.includes('node_modules/'))
    return url.startsWith('node:') ? 'node:internal' : p.split('/')[0] || p;
  const parts = p.split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** `usPerSample / requests` turns a sample count into µs per request; 0 leaves the column out. */
function top(
  totals: Map<string, number>,
  all: number,
  n: number,
  usPerRequestSample: number,
): string[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => {
      const perRequest =
        usPerRequestSample > 0 ? `${(v * usPerRequestSample).toFixed(2).padStart(7)} µs  ` : '';
      return `${((100 * v) / all).toFixed(1).padStart(5)}%  ${perRequest}${k}`;
    });
}

function main(file: string, n: number, requests: number): void {
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
  const usPerSample = (profile.endTime - profile.startTime) / profile.samples.length;
  const perRequest = requests > 0 ? usPerSample / requests : 0;
  console.log(
    `${file}: ${all} busy samples (+${idle} idle) over ${seconds.toFixed(1)} s\n\nby function (self, % of busy):`,
  );
  if (perRequest > 0) console.log(`busy ${((all - 0) * perRequest).toFixed(1)} µs per request`);
  console.log(top(byFunction, all, n, perRequest).join('\n'));
  console.log('\nby package / file (self):');
  console.log(top(byPackage, all, n, perRequest).join('\n'));
}

const frameName = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'} ${place(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;

/** Each late tick, and the samples taken between its due time and its start: leaf ← our nearest frame. */
function lateTicks(file: string): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const late = JSON.parse(readFileSync(`${file}.late.json`, 'utf8')) as [number, number][];
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const ours = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)!;
      if (node.callFrame.url.includes('/api/')) return frameName(node);
    }
    return '-';
  };
  const times: number[] = [];
  let t = profile.startTime;
  for (const delta of profile.timeDeltas) times.push((t += delta));
  for (const [due, began] of late) {
    const seen = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      if (times[i]! < due || times[i]! > began) return;
      const leaf = byId.get(id)!;
      const key = `${frameName(leaf)} ← ${ours(id)}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    });
    const what = [...seen.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4);
    console.log(`late ${((began - due) / 1000).toFixed(2)} ms:`);
    for (const [key, count] of what) console.log(`  ${String(count).padStart(3)}  ${key}`);
  }
}

const [file, n, requests] = process.argv.slice(2);
if (!file) {
  console.error('usage: node test/bench/profile-top.ts <file.cpuprofile> [n]');
  process.exit(2);
}
if (n === '--late') lateTicks(file);
else main(file, Number(n ?? 40), Number(requests ?? 0));
