/**
 * `node test/bench/perf-top.ts <file.perf.data> [frames]`: where a bench
 * child's CPU went in its measuring window (`npm run bench -- --perf`), split
 * the way the realtime floor needs it: the kernel's part of each socket write
 * (the sender's TCP/IP, and on loopback the receiver's TCP and its wake-up,
 * which run in the writer's system call), reads, the event loop's waits, the
 * Node write path, garbage collection and the rest of JavaScript. With
 * `frames` (writes the process made in the window), also µs per write.
 */
import { execFileSync } from 'node:child_process';

interface Sample {
  thread: string;
  /** The sample landed in the kernel (its leaf frame is a kernel function). */
  kernel: boolean;
  /** Function names, leaf first. */
  stack: string[];
}

/** The first rule that matches a sample names its part. */
const parts: { name: string; test: (s: Sample) => boolean }[] = [
  { name: 'other threads: GC helpers', test: (s) => s.thread.startsWith('V8') },
  { name: 'other threads: libuv pool and the rest', test: (s) => s.thread !== 'MainThread' },
  {
    name: 'kernel, write: waking the reader (loopback)',
    test: (s) => s.kernel && isWrite(s) && isLoopbackReceive(s) && isWakeUp(s),
  },
  {
    name: "kernel, write: the receiver's TCP (loopback)",
    test: (s) => s.kernel && isWrite(s) && isLoopbackReceive(s),
  },
  { name: "kernel, write: the sender's TCP/IP", test: (s) => s.kernel && isWrite(s) },
  {
    name: 'kernel, read (inputs, Redis replies)',
    test: (s) => s.kernel && has(s, 'ksys_read', 'sock_recvmsg', 'tcp_recvmsg'),
  },
  { name: 'kernel, epoll and timers', test: (s) => s.kernel && has(s, 'do_epoll_wait') },
  { name: 'kernel, other (faults, scheduling)', test: (s) => s.kernel },
  {
    name: 'Node write path (StreamBase, libuv)',
    test: (s) => has(s, 'node::StreamBase::WriteBuffer', 'uv_try_write', 'uv__write'),
  },
  {
    name: 'garbage collection (main thread)',
    test: (s) => s.stack.some((f) => /Scavenger|MarkCompact|Heap::CollectGarbage/.test(f)),
  },
  { name: 'JavaScript, V8 and Node (see the CPU profile)', test: () => true },
];

const has = (s: Sample, ...names: string[]) => s.stack.some((frame) => names.includes(frame));
const isWrite = (s: Sample) =>
  has(s, 'ksys_write', 'sock_write_iter', '__sys_sendto', 'do_writev', 'tcp_sendmsg');
const isLoopbackReceive = (s: Sample) => has(s, 'net_rx_action', 'process_backlog', 'tcp_v4_rcv');
const isWakeUp = (s: Sample) =>
  has(s, 'try_to_wake_up', 'ep_poll_callback', '__wake_up_common', 'sock_def_readable');

const FRAME = /^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)$/;

/** The samples `perf script` prints: a thread name, then one frame per line, leaf first. */
function samples(file: string): Sample[] {
  const text = execFileSync('perf', ['script', '-i', file, '-F', 'comm,ip,sym,dso'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return text
    .split('\n\n')
    .map((block) => block.split('\n').filter((line) => line.trim() !== ''))
    .filter((lines) => lines.length > 0)
    .map(([head, ...lines]) => {
      const frames = lines.map((line) => FRAME.exec(line) ?? [line, line.trim(), '']);
      return {
        thread: head!.trim(),
        kernel: frames[0]?.[2] === '[kernel.kallsyms]',
        stack: frames.map((f) => f[1]!.replace(/\+0x[0-9a-f]+$/, '')),
      };
    });
}

function main(): void {
  const [file, framesArg] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node test/bench/perf-top.ts <file.perf.data> [writes]\n');
    process.exit(2);
  }
  const all = samples(file);
  const counts = new Map<string, number>(parts.map((p) => [p.name, 0]));
  for (const sample of all) {
    const part = parts.find((p) => p.test(sample))!;
    counts.set(part.name, counts.get(part.name)! + 1);
  }
  const frames = Number(framesArg ?? 0);
  // perf samples at 997 Hz: each sample stands for about 1.003 ms of CPU.
  const usPerSample = 1e6 / 997;
  process.stdout.write(
    `${all.length} samples (${((all.length * usPerSample) / 1e6).toFixed(2)} s of CPU)\n`,
  );
  for (const [name, n] of counts) {
    const share = `${((n / all.length) * 100).toFixed(1).padStart(5)} %`;
    const perFrame =
      frames > 0 ? `  ${((n * usPerSample) / frames).toFixed(2).padStart(6)} µs/write` : '';
    process.stdout.write(`${share}${perFrame}  ${name}\n`);
  }
}

main();
