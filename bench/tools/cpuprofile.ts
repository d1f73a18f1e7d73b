/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`, e.g. BENCH_PROFILE=DIR npm run bench -- stream-redis).
 * Usage: node bench/tools/cpuprofile.ts FILE.cpuprofile [--top N] [--json]
 *
 * Prints:
 *   - self time by function (V8 builtins such as JSON.stringify shown as themselves),
 *   - time by component: each sample is charged to the innermost frame that has a source file
 *     (so a builtin or node:internal frame called by node-redis counts as node-redis),
 *   - time by file, with the same charging,
 *   - inclusive time of the pipeline's stages (a sample counts for a stage when the stage's
 *     function is anywhere on its stack; stages overlap where they nest).
 */
import { readFile } from 'node:fs/promises';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Components, first match wins; tested against a frame's url. */
const components: [string, RegExp][] = [
  ['@vlasky/zongji (binlog decode)', /node_modules\/@vlasky\/zongji\//],
  ['mysql2 (packet framing)', /node_modules\/mysql2\//],
  ['node-redis (@redis/client: RESP encode, reply parse)', /node_modules\/@redis\/|node_modules\/redis\//],
  ['prom-client', /node_modules\/prom-client\//],
  ['pino', /node_modules\/pino|node_modules\/sonic-boom|node_modules\/thread-stream/],
  ['other packages', /node_modules\//],
  ['sluice src/sources/mysql (event creation, column decoding)', /\/src\/sources\/mysql\//],
  ['sluice src/core (event.ts, position, metrics)', /\/src\/core\//],
  ['sluice src/pipeline (queue, target runner, checkpointer)', /\/src\/pipeline\//],
  ['sluice src/rules (transform)', /\/src\/rules\//],
  ['sluice src/connectors/redis (command building, reply checks)', /\/src\/connectors\/redis\//],
  ['sluice src (other)', /\/src\//],
  ['bench / test harness', /\/bench\/|\/test\//],
];

/** Pipeline stages for inclusive time: [label, test on "functionName url"]. */
const stages: [string, RegExp][] = [
  ['zongji: socket data → parsed event (incl. Sluice handler below it)', /^(_?onStreamRead|onStreamRead) node:internal\/stream_base_commons/],
  ['zongji: rows event parse (readRow and below)', /^(readRow|_fetchOneRow|_readRow|parseRowsEvent|RowsEvent) .*zongji/],
  ['Sluice BinlogSource.handle (event → ChangeEvent, incl. queue.push)', /^handle .*binlog-source\.ts/],
  ['  TableVersion.decode (column decoders)', /^decode .*table-registry\.ts/],
  ['  createChangeEvent (freeze, key)', /^createChangeEvent .*event\.ts/],
  ['StreamPipeline.countIn (metrics)', /^countIn .*stream-pipeline\.ts/],
  ['TargetRunner.toRecords (rules applied)', /^toRecords .*target-runner\.ts/],
  ['  rule.transform', /column-rules\.ts|^identity /],
  ['RedisSink.write (all of it)', /^write .*connectors\/redis\/sink\.ts/],
  ['  buildCommands (HSET arg lists)', /^buildCommands .*commands\.ts/],
  ['  SingleMasterConnection.pipeline/execute (node-redis multi, synchronous part)', /^(pipeline|execute) .*standalone-connection\.ts/],
  ['  checkReplies', /^checkReplies .*reply-errors\.ts/],
  ['node-redis RESP encode (encodeCommand)', /^encodeCommand .*@redis/],
  ['node-redis reply decode (decoder)', /^(write|_decode\w*|#decode\w*|decode\w*) .*@redis\/client\/dist\/lib\/RESP\/decoder/],
  ['TargetRunner.count (metrics)', /^count .*target-runner\.ts/],
];

const special = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function componentOf(url: string): string | undefined {
  if (url === '') return undefined;
  for (const [name, re] of components) if (re.test(url)) return name;
  if (url.startsWith('node:')) return undefined;
  return 'other';
}

const shortUrl = (url: string) => url.replace(/^file:\/\/.*?\/(node_modules|src|bench|test)\//, '$1/').replace(/^file:\/\//, '');

export async function summarize(file: string, top = 30): Promise<Record<string, unknown>> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) byId.set(n.id, n);
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // Per node: charged component/file, and the stages on its stack (computed once per node).
  const charged = new Map<number, { component: string; file: string }>();
  const stagesOf = new Map<number, Set<string>>();
  const resolveNode = (id: number) => {
    if (charged.has(id)) return;
    const n = byId.get(id)!;
    const name = n.callFrame.functionName;
    if (special.has(name)) {
      charged.set(id, { component: name, file: name });
      stagesOf.set(id, new Set());
      return;
    }
    let component: string | undefined;
    let fileName: string | undefined;
    const stageSet = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (component === undefined) {
        const c = componentOf(f.url);
        if (c !== undefined) {
          component = c;
          fileName = shortUrl(f.url);
        }
      }
      const label = `${f.functionName || '(anonymous)'} ${f.url}`;
      for (const [stage, re] of stages) if (re.test(label)) stageSet.add(stage);
    }
    if (component === undefined) {
      const url = n.callFrame.url;
      component = url.startsWith('node:') || url === '' ? 'node internals / builtins (event loop, net, streams)' : 'other';
      fileName = url === '' ? '(builtin)' : url;
    }
    charged.set(id, { component, file: fileName! });
    stagesOf.set(id, stageSet);
  };

  const selfByFn = new Map<string, number>();
  const byComponent = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byStage = new Map<string, number>();
  let total = 0;
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    // timeDeltas[i] is the time before sample i; charge the interval to the sample that follows it.
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (dt <= 0) continue;
    total += dt;
    const n = byId.get(id)!;
    resolveNode(id);
    const f = n.callFrame;
    add(selfByFn, `${f.functionName || '(anonymous)'}  ${f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : '(builtin)'}`, dt);
    const c = charged.get(id)!;
    add(byComponent, c.component, dt);
    add(byFile, c.file, dt);
    for (const s of stagesOf.get(id)!) add(byStage, s, dt);
  }
  const sorted = (m: Map<string, number>, limit = Infinity) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([k, ms]) => ({ name: k, ms: Math.round(ms), pct: +(ms / total * 100).toFixed(1) }));
  const idle = byComponent.get('(idle)') ?? 0;
  return {
    file,
    wallMs: Math.round((profile.endTime - profile.startTime) / 1000),
    sampledMs: Math.round(total),
    busyMs: Math.round(total - idle),
    components: sorted(byComponent),
    stages: stages.map(([s]) => ({ name: s, ms: Math.round(byStage.get(s) ?? 0), pct: +((byStage.get(s) ?? 0) / total * 100).toFixed(1) })),
    files: sorted(byFile, top),
    selfFunctions: sorted(selfByFn, top),
  };
}

function print(s: Record<string, unknown>): void {
  const table = (title: string, rows: { name: string; ms: number; pct: number }[]) => {
    console.log(`\n${title}`);
    for (const r of rows) console.log(`  ${String(r.ms).padStart(7)} ms ${String(r.pct).padStart(5)}%  ${r.name}`);
  };
  console.log(`${s.file}\nwall ${s.wallMs} ms, sampled ${s.sampledMs} ms, main thread busy ${s.busyMs} ms (the rest is (idle): waiting for I/O)`);
  table('by component (innermost frame with a source file)', s.components as never);
  table('by pipeline stage (inclusive; nested stages overlap)', s.stages as never);
  table('by file', s.files as never);
  table('top self time by function', s.selfFunctions as never);
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'));
if (isMain) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const file = args.find((a, i) => !a.startsWith('--') && !(topAt >= 0 && i === topAt + 1));
  if (!file) {
    console.error('usage: node bench/tools/cpuprofile.ts FILE.cpuprofile [--top N] [--json]');
    process.exit(2);
  }
  const s = await summarize(file, topAt >= 0 ? Number(args[topAt + 1]) : 30);
  if (args.includes('--json')) console.log(JSON.stringify(s, null, 2));
  else print(s);
}
