// postinstall: speed patches for @vlasky/zongji 0.9.0 (pinned). They change no output; the profile
// in docs/benchmarks.md shows these two helpers cost ~1.5 µs of every decoded row. Plain JS so it
// runs under whatever Node npm uses. Idempotent; warns and leaves the file alone if it differs.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const patches = [
  {
    name: 'zeroPad without a 32-character concat per call',
    from: `export const zeroPad = function(num, size) {
  // Max 32 digits
  const s = '00000000000000000000000000000000' + num;
  return s.substr(s.length-size);
};`,
    to: `const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000', '00000000', '000000000'];
export const zeroPad = function(num, size) { // patched by sluice (scripts/patch-dependencies.mjs)
  const s = typeof num === 'string' ? num : '' + num;
  const missing = size - s.length;
  if (missing === 0) return s;
  if (missing > 0 && missing < ZEROS.length) return ZEROS[missing] + s;
  const t = '00000000000000000000000000000000' + s;
  return t.substr(t.length - size);
};`,
  },
  {
    name: 'parseIEEE754Float with one shared DataView',
    from: `export const parseIEEE754Float = function(high, low) {
  if (low !== undefined) {
    let value = new DataView(new ArrayBuffer(8));
    value.setUint32(0, high);
    value.setUint32(4, low);
    return value.getFloat64(0);
  } else {
    let value = new DataView(new ArrayBuffer(4));
    value.setUint32(0, high);
    return value.getFloat32(0);
  }
};`,
    to: `const IEEE754 = new DataView(new ArrayBuffer(8));
export const parseIEEE754Float = function(high, low) { // patched by sluice (scripts/patch-dependencies.mjs)
  IEEE754.setUint32(0, high);
  if (low !== undefined) {
    IEEE754.setUint32(4, low);
    return IEEE754.getFloat64(0);
  }
  return IEEE754.getFloat32(0);
};`,
  },
];

let file;
try {
  file = join(dirname(fileURLToPath(import.meta.resolve('@vlasky/zongji'))), 'lib', 'common.js');
} catch {
  process.exit(0); // not installed (e.g. a partial install): nothing to patch
}
let text = await readFile(file, 'utf8');
for (const p of patches) {
  if (text.includes(p.to)) continue;
  if (!text.includes(p.from)) {
    process.stderr.write(`sluice postinstall: @vlasky/zongji changed, not applying "${p.name}" (decoding stays correct, only slower)\n`);
    continue;
  }
  text = text.replace(p.from, p.to);
}
await writeFile(file, text);
