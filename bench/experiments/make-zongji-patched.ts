/**
 * Copies node_modules/@vlasky/zongji to /tmp/sluice-zongji-patched and patches two hot spots of
 * lib/common.js seen in the profile: zeroPad (string concat + substr per date part and decimal
 * group) and parseIEEE754Float (a new ArrayBuffer + DataView per DOUBLE). Output is unchanged.
 */
import { cp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const patchedZongji = '/tmp/sluice-zongji-patched';

const zeroPadOld = `export const zeroPad = function(num, size) {
  // Max 32 digits
  const s = '00000000000000000000000000000000' + num;
  return s.substr(s.length-size);
};`;
const zeroPadNew = `const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000', '00000000', '000000000'];
export const zeroPad = function(num, size) {
  const s = typeof num === 'string' ? num : '' + num;
  const missing = size - s.length;
  if (missing === 0) return s;
  if (missing > 0 && missing < ZEROS.length) return ZEROS[missing] + s;
  const t = '00000000000000000000000000000000' + s;
  return t.substr(t.length - size);
};`;
const floatOld = `export const parseIEEE754Float = function(high, low) {
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
};`;
const floatNew = `const IEEE754 = new DataView(new ArrayBuffer(8));
export const parseIEEE754Float = function(high, low) {
  IEEE754.setUint32(0, high);
  if (low !== undefined) {
    IEEE754.setUint32(4, low);
    return IEEE754.getFloat64(0);
  }
  return IEEE754.getFloat32(0);
};`;

export async function makePatchedZongji(): Promise<string> {
  await rm(patchedZongji, { recursive: true, force: true });
  await cp(join(root, 'node_modules', '@vlasky', 'zongji'), patchedZongji, { recursive: true });
  // Its own imports (mysql2, ...) resolve through the project's node_modules.
  await symlink(join(root, 'node_modules'), join(patchedZongji, 'node_modules'));
  const file = join(patchedZongji, 'lib', 'common.js');
  let text = await readFile(file, 'utf8');
  for (const [from, to] of [[zeroPadOld, zeroPadNew], [floatOld, floatNew]] as const) {
    if (!text.includes(from)) throw new Error(`zongji common.js changed; cannot patch:\n${from.slice(0, 60)}`);
    text = text.replace(from, to);
  }
  await writeFile(file, text);
  return patchedZongji;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  console.log(`patched copy at ${await makePatchedZongji()}`);
}
