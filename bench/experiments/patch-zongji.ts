/** Preload (--import): resolves `@vlasky/zongji` to the patched copy from make-zongji-patched.ts. */
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

const url = pathToFileURL('/tmp/sluice-zongji-patched/index.js').href;
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === '@vlasky/zongji') return { url, format: 'module', shortCircuit: true };
    return nextResolve(specifier, context);
  },
});
