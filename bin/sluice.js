#!/usr/bin/env node
// Runs the TypeScript sources directly (Node >= 22.18 strips types natively).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`sluice needs Node >= 22.18 (this is ${process.version}); run it through npm (npm run sluice -- ...) to use the bundled Node 24.\n`);
  process.exit(1);
}
await import('../src/cli/main.ts');
