/**
 * A flame graph (SVG) of a V8 CPU profile, e.g. thermos's from `pnpm bench --cpu-prof DIR`:
 *
 *   pnpm exec tsx bench/flamegraph.ts PROFILE.cpuprofile [--window S] [--out FILE.svg] [--min PCT]
 *
 * Only the busiest S seconds of the profile are drawn (default 20: the revocation phase, not
 * start-up or idle time); idle samples are left out, so the widths are shares of the CPU the
 * thread spent. Frames are merged by function and file (repository-relative, or the package
 * for dependencies); frames under --min percent (default 0.3) are not drawn. It also prints
 * the share of each part of the system (our packages, dependencies, node, GC) and the top
 * self-time functions.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] };
type Frame = { name: string; micros: number; children: Map<string, Frame> };

const REPO = path.resolve(__dirname, '..');

function frameName(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  const fn = functionName || '(anonymous)';
  // V8 builtins, natives and compiled regular expressions carry no file
  if (!url) return fn.startsWith('(') ? fn : `${fn} [v8]`;
  const pkg = /node_modules\/\.pnpm\/((?:@[^+/]+\+)?[^@/]+)@/.exec(url);
  if (pkg) return `${fn} [${(pkg[1] as string).replace('+', '/')}]`;
  if (url.startsWith('node:')) return `${fn} [${url}]`;
  const file = url.replace(/^file:\/\//, '');
  return `${fn} ${file.startsWith(REPO) ? path.relative(REPO, file) : file}`;
}

/** Index range [from, to] of the samples of the busiest `seconds` (most non-idle time). */
function busiestWindow(profile: Profile, idle: boolean[], seconds: number): [number, number] {
  const at: number[] = [];
  let t = profile.startTime;
  for (const delta of profile.timeDeltas) at.push((t += delta));
  let best: [number, number, number] = [0, 0, at.length - 1];
  let busy = 0;
  let from = 0;
  for (let i = 0; i < at.length; i += 1) {
    if (!idle[i]) busy += profile.timeDeltas[i] ?? 0;
    while ((at[i] ?? 0) - (at[from] ?? 0) > seconds * 1e6) {
      if (!idle[from]) busy -= profile.timeDeltas[from] ?? 0;
      from += 1;
    }
    if (busy > best[0]) best = [busy, from, i];
  }
  return [best[1], best[2]];
}

function build(profile: Profile, seconds: number): { root: Frame; self: Map<string, number>; busySeconds: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const idle = profile.samples.map((id) => byId.get(id)?.callFrame.functionName === '(idle)');
  const [from, to] = busiestWindow(profile, idle, seconds);
  const root: Frame = { name: 'all', micros: 0, children: new Map() };
  const self = new Map<string, number>();
  for (let i = from; i <= to; i += 1) {
    if (idle[i]) continue;
    const micros = profile.timeDeltas[i] ?? 0;
    const stack: string[] = [];
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id);
      if (node && node.callFrame.functionName !== '(root)') stack.push(frameName(node));
    }
    stack.reverse();
    root.micros += micros;
    let frame = root;
    for (const name of stack) {
      let child = frame.children.get(name);
      if (!child) frame.children.set(name, (child = { name, micros: 0, children: new Map() }));
      child.micros += micros;
      frame = child;
    }
    const leaf = stack[stack.length - 1] ?? '(unknown)';
    self.set(leaf, (self.get(leaf) ?? 0) + micros);
  }
  return { root, self, busySeconds: root.micros / 1e6 };
}

/** Which part of the system a frame's own time belongs to. */
function partOf(name: string): string {
  if (name.startsWith('(garbage collector)')) return 'garbage collector';
  if (/ (apps|packages)\//.test(name)) return `our code: ${/ ((?:apps|packages)\/[^/]+)/.exec(name)?.[1] ?? ''}`;
  if (/\[(node:[^\]]*|v8)\]$/.test(name) || name.startsWith('(')) return 'node / V8 (http, streams, sockets, crypto)';
  return `dependency: ${/\[([^\]]+)\]/.exec(name)?.[1] ?? name}`;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function colour(name: string): string {
  if (/ (apps|packages)\//.test(name)) return '#e8a33c';
  if (name.includes('[@prisma') || name.includes('[pg')) return '#6aa6d6';
  if (name.includes('[@temporalio')) return '#9b7fd1';
  if (name.startsWith('(garbage')) return '#c0c0c0';
  return '#e0685a';
}

function svg(root: Frame, minShare: number, title: string): string {
  const width = 1400;
  const row = 17;
  const rects: string[] = [];
  let depth = 0;
  const draw = (frame: Frame, x: number, level: number) => {
    const w = (frame.micros / root.micros) * width;
    if (frame.micros / root.micros < minShare) return;
    depth = Math.max(depth, level);
    const share = ((frame.micros / root.micros) * 100).toFixed(1);
    const label = w > 40 ? escape(frame.name.slice(0, Math.floor(w / 6.5))) : '';
    rects.push(
      `<g><title>${escape(frame.name)} — ${share}%</title><rect x="${x.toFixed(1)}" y="{Y${level}}" width="${Math.max(0.5, w - 0.5).toFixed(1)}" height="${row - 1}" fill="${frame === root ? '#999' : colour(frame.name)}"/>` +
        `<text x="${(x + 3).toFixed(1)}" y="{T${level}}">${label}</text></g>`,
    );
    let childX = x;
    for (const child of [...frame.children.values()].sort((a, b) => b.micros - a.micros)) {
      draw(child, childX, level + 1);
      childX += (child.micros / root.micros) * width;
    }
  };
  draw(root, 0, 0);
  const height = (depth + 1) * row + 30;
  // flames grow upwards: level 0 at the bottom
  const body = rects.map((r) => r.replace(/\{Y(\d+)\}/, (_m, l: string) => String(height - (Number(l) + 1) * row)).replace(/\{T(\d+)\}/, (_m, l: string) => String(height - Number(l) * row - 5))).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="11">
<text x="4" y="14" font-size="13">${escape(title)}</text>
${body}
</svg>
`;
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { window: { type: 'string' }, out: { type: 'string' }, min: { type: 'string' } } });
  const file = positionals[0];
  if (!file) throw new Error('usage: tsx bench/flamegraph.ts PROFILE.cpuprofile [--window S] [--out FILE.svg] [--min PCT]');
  const seconds = Number(values.window ?? 20);
  const minShare = Number(values.min ?? 0.3) / 100;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const { root, self, busySeconds } = build(profile, seconds);
  const out = values.out ?? file.replace(/\.cpuprofile$/, '') + '.svg';
  writeFileSync(out, svg(root, minShare, `${path.basename(file)}: busiest ${seconds} s, ${busySeconds.toFixed(1)} s on CPU (idle left out)`));
  const parts = new Map<string, number>();
  for (const [name, micros] of self) parts.set(partOf(name), (parts.get(partOf(name)) ?? 0) + micros);
  const pct = (micros: number) => `${((micros / root.micros) * 100).toFixed(1).padStart(5)}%`;
  process.stdout.write(`${out}: busiest ${seconds} s of the profile, ${busySeconds.toFixed(1)} s on CPU\n\nself time by part:\n`);
  for (const [part, micros] of [...parts].sort((a, b) => b[1] - a[1])) if (micros / root.micros >= 0.001) process.stdout.write(`${pct(micros)}  ${part}\n`);
  process.stdout.write('\ntop self time:\n');
  for (const [name, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) process.stdout.write(`${pct(micros)}  ${name}\n`);
}

main();
