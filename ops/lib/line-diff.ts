/** A unified line diff (LCS based) with a few lines of context, for `diff` output. */

export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

function lcsTable(a: string[], b: string[]): Uint32Array[] {
  const rows: Uint32Array[] = [];
  for (let i = 0; i <= a.length; i++) rows.push(new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      rows[i]![j] =
        a[i] === b[j] ? rows[i + 1]![j + 1]! + 1 : Math.max(rows[i + 1]![j]!, rows[i]![j + 1]!);
    }
  }
  return rows;
}

/** Every line of both sides, marked kept, removed or added. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  // Trim the common head and tail first: real changes are small against large documents.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const table = lcsTable(midA, midB);
  const out: DiffLine[] = a.slice(0, head).map((text) => ({ op: ' ', text }));
  let i = 0;
  let j = 0;
  while (i < midA.length || j < midB.length) {
    if (i < midA.length && j < midB.length && midA[i] === midB[j]) {
      out.push({ op: ' ', text: midA[i]! });
      i++;
      j++;
    } else if (i < midA.length && (j >= midB.length || table[i + 1]![j]! >= table[i]![j + 1]!)) {
      out.push({ op: '-', text: midA[i++]! });
    } else {
      out.push({ op: '+', text: midB[j++]! });
    }
  }
  for (const text of a.slice(a.length - tail)) out.push({ op: ' ', text });
  return out;
}

/** Unified-diff text with `context` lines around each change; empty when equal. */
export function unifiedDiff(before: string, after: string, context = 3): string[] {
  const lines = diffLines(before, after);
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((line, index) => {
    if (line.op === ' ') return;
    for (
      let k = Math.max(0, index - context);
      k <= Math.min(lines.length - 1, index + context);
      k++
    )
      keep[k] = true;
  });
  const out: string[] = [];
  let skipping = false;
  lines.forEach((line, index) => {
    if (keep[index]) {
      out.push(`${line.op}${line.text}`);
      skipping = false;
    } else if (!skipping && out.length > 0) {
      out.push('@@');
      skipping = true;
    }
  });
  while (out.at(-1) === '@@') out.pop();
  return out;
}
