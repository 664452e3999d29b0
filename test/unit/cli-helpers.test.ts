import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { AppError } from '../../api/contract/errors.ts';
import { parseDuration, parseSince } from '../../cli/duration.ts';
import { reportError, waitText } from '../../cli/exit.ts';
import { Io, fieldColumns, toCsv, type IoOptions } from '../../cli/io.ts';
import { collect, pageSize, tellWhatIsLeft } from '../../cli/pages.ts';
import { confirmed, readStdin } from '../../cli/prompt.ts';
import { fitColumns, renderTable } from '../../cli/render/table.ts';
import { durationMs } from '../../ops/lib/duration.ts';

function capture() {
  let text = '';
  return {
    write: (s: string) => (text += s),
    get text() {
      return text;
    },
  };
}

function io(overrides: Partial<IoOptions> = {}) {
  const stdout = capture();
  const stderr = capture();
  const options: IoOptions = {
    stdout,
    stderr,
    stdinIsTTY: false,
    format: undefined,
    color: false,
    interactive: true,
    quiet: false,
    verbose: false,
    ...overrides,
  };
  return { io: new Io(options), stdout, stderr };
}

const usage = (message: RegExp) => (err: unknown) =>
  err instanceof AppError && err.code === 'VALIDATION' && message.test(err.message);

describe('the one duration parser (ops/lib/duration.ts)', () => {
  it('reads single and compound durations in every unit', () => {
    assert.equal(durationMs('90s'), 90_000);
    assert.equal(durationMs('1h30m'), 5_400_000);
    assert.equal(durationMs('5ms'), 5);
    assert.equal(durationMs('2w'), 14 * 86_400_000);
    assert.equal(durationMs('1y'), 365 * 86_400_000);
    assert.equal(durationMs('0s'), 0);
  });

  it('rejects anything that is not a run of number-unit parts', () => {
    for (const text of ['', '5', 'abc', '5m x', '1h 2m', 'm5', '1.5h', '-5m', undefined])
      assert.equal(durationMs(text), undefined, String(text));
  });

  it('accepts only the units its caller allows', () => {
    assert.equal(durationMs('2w', ['m', 'h', 'd']), undefined);
    assert.equal(durationMs('5ms', ['s', 'm']), undefined, 'ms is not m followed by s');
    assert.equal(durationMs('30d', ['ms', 's', 'm', 'h', 'd']), 30 * 86_400_000);
  });

  it('backs the CLI flags with a usage error naming the flag', () => {
    assert.equal(parseDuration('1h30m', '--for'), 5_400_000);
    assert.throws(() => parseDuration('0m', '--for'), usage(/--for must be a duration/));
    assert.throws(() => parseDuration('5ms', '--duration'), usage(/--duration/));
    const since = Date.parse(parseSince('1h'));
    assert.ok(Math.abs(Date.now() - 3_600_000 - since) < 5_000);
    assert.equal(parseSince('2026-12-01'), '2026-12-01T00:00:00.000Z');
  });
});

describe('CLI input helpers (cli/prompt.ts)', () => {
  it('readStdin drops the one trailing line break and keeps the rest', async () => {
    assert.equal(await readStdin(Readable.from([Buffer.from('s3cret\n')])), 's3cret');
    assert.equal(await readStdin(Readable.from([Buffer.from('a b \r\n')])), 'a b ');
    assert.equal(await readStdin(Readable.from(['two\n', 'parts\n\n'])), 'two\nparts\n');
  });

  it('confirmed goes ahead with --yes and is a usage error without a terminal', async () => {
    const { io: plain } = io();
    assert.equal(await confirmed(plain, { yes: true }, 'Delete?'), true);
    await assert.rejects(
      confirmed(plain, {}, 'Delete?'),
      usage(/^cannot ask for confirmation without a terminal: pass --yes$/),
    );
  });

  it('requireInteractive has one wording for every missing value', () => {
    const { io: plain } = io();
    assert.throws(
      () => plain.requireInteractive('the password', 'pipe it to --password-stdin'),
      usage(/^cannot ask for the password without a terminal: pipe it to --password-stdin$/),
    );
    const { io: tty } = io({ stdinIsTTY: true });
    assert.doesNotThrow(() => tty.requireInteractive('the password', 'x'));
  });
});

describe('pages (cli/pages.ts)', () => {
  it('pageSize is a whole number in range, else a usage error with the range', () => {
    assert.equal(pageSize(undefined, { fallback: 20 }), 20);
    assert.equal(pageSize('100', { fallback: 20 }), 100);
    for (const bad of ['0', 'abc', '-5', '2.5', '500', '', ' '])
      assert.throws(
        () => pageSize(bad, { fallback: 20 }),
        usage(/^--limit must be a whole number from 1 to 100 \(got/),
        bad,
      );
    assert.throws(
      () => pageSize('26', { fallback: 5, max: 25, flag: '--radius' }),
      usage(/--radius must be a whole number from 1 to 25/),
    );
  });

  it('collect stops after one page, follows every page with all, starts at a cursor', async () => {
    const pages: Record<string, { data: number[]; meta: { nextCursor: string | null } }> = {
      start: { data: [1, 2], meta: { nextCursor: 'b' } },
      b: { data: [3, 4], meta: { nextCursor: 'c' } },
      c: { data: [5], meta: { nextCursor: null } },
    };
    const fetchPage = async (cursor: string | undefined) => pages[cursor ?? 'start']!;
    assert.deepEqual(await collect(fetchPage, {}), { rows: [1, 2], nextCursor: 'b' });
    assert.deepEqual(await collect(fetchPage, { all: true }), {
      rows: [1, 2, 3, 4, 5],
      nextCursor: null,
    });
    assert.deepEqual(await collect(fetchPage, { cursor: 'b' }), { rows: [3, 4], nextCursor: 'c' });
  });

  it('a list cut short says so on stderr with --all and the next cursor', () => {
    const { io: out, stdout, stderr } = io();
    tellWhatIsLeft(out, { rows: [1, 2], nextCursor: 'abc' });
    assert.equal(stdout.text, '');
    assert.match(stderr.text, /showing 2; more are left: --all .*--cursor abc/);
    const { io: whole, stderr: quiet } = io();
    tellWhatIsLeft(whole, { rows: [1], nextCursor: null });
    assert.equal(quiet.text, '');
  });
});

describe('tables fit the terminal (cli/render/table.ts)', () => {
  const rows = [
    { id: 'a'.repeat(36), name: 'Winter cup with a long name', state: 'registration' },
    { id: 'b', name: 'x', state: 'running' },
  ];
  const columns = [
    { header: 'ID', value: (r: (typeof rows)[number]) => r.id },
    { header: 'NAME', value: (r: (typeof rows)[number]) => r.name },
    { header: 'STATE', value: (r: (typeof rows)[number]) => r.state },
  ];
  const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

  it('keeps the natural widths when there is room or no known width', () => {
    const natural = renderTable(rows, columns, { color: false });
    assert.equal(widest(natural), 36 + 2 + 27 + 2 + 12);
    assert.equal(renderTable(rows, columns, { color: false, width: 200 }), natural);
  });

  it('cuts the widest columns with an ellipsis to fit the width', () => {
    for (const width of [60, 50, 40, 30]) {
      const text = renderTable(rows, columns, { color: false, width });
      assert.ok(widest(text) <= width, `${width}: ${text}`);
      assert.match(text, /…/);
      if (width >= 40) assert.match(text, /registration/, 'a short column keeps its text');
    }
  });

  it('never cuts a column below its minimum', () => {
    assert.deepEqual(fitColumns([30, 4], [4, 4], 8), [4, 4]);
    assert.equal(fitColumns([3, 4], [3, 4], 20), undefined);
  });
});

describe('CSV without a column list (cli/io.ts)', () => {
  it('has one column per field and no blank lines', () => {
    const rows = [
      { a: 1, b: 'x' },
      { a: 2, c: true },
    ];
    assert.equal(toCsv(rows, fieldColumns(rows)), 'a,b,c\r\n1,x,\r\n2,,true\r\n');
  });
});

describe('the exit point (cli/exit.ts)', () => {
  it('Ctrl-C at a prompt exits 130 and prints nothing', () => {
    const stderr = capture();
    const interrupted = Object.assign(new Error('User force closed the prompt with SIGINT'), {
      name: 'ExitPromptError',
    });
    assert.equal(reportError(interrupted, stderr), 130);
    assert.equal(stderr.text, '');
  });

  it('a rate limit says how long to wait, from Retry-After', () => {
    const stderr = capture();
    const err = new AppError('RATE_LIMITED', 'Too many failed sign-ins', undefined, {
      'Retry-After': '900',
    });
    assert.equal(reportError(err, stderr), 6);
    assert.match(stderr.text, /try again in 15 minutes/);
    assert.equal(waitText(1), '1 second');
    assert.equal(waitText(45), '45 seconds');
    assert.equal(waitText(7200), '2 hours');
  });
});
