#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=100
// --max-semi-space-size=8: V8 sizes the young generation by RAM (up to 2 × 64 MiB); Sluice's short-lived
// rows need far less. 8 MiB measured ~30% less RSS and no slower (docs/benchmarks.md, sync).
// --heap-growing-percent=100: a full GC when the heap has doubled since the last one, not up to 4×: a sync
// keeps ~30 MiB live, and its chunks' rows die in the old generation. Peak RSS 235-265 → 165-180 MiB,
// no slower (docs/benchmarks.md, sync).
// Runs the TypeScript sources directly (Node >= 22.18 strips types natively).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`sluice needs Node >= 22.18 (this is ${process.version}); run it through npm (npm run sluice -- ...) to use the bundled Node 24.\n`);
  process.exit(1);
}
await import('../src/cli/main.ts');
