import { targetNames } from '../config/sluice-config.ts';
import { errorCatalog } from '../core/error-catalog.ts';
import { errorMessage, SluiceError } from '../core/errors.ts';
import { buildTargets } from '../pipeline/build-targets.ts';
import { preflightSource, type Finding } from '../sources/mysql/preflight.ts';
import { openContext } from './context.ts';

async function checkTargets(ctx: Awaited<ReturnType<typeof openContext>>): Promise<Finding[]> {
  const names = targetNames(ctx.config);
  let targets;
  try {
    targets = await buildTargets(ctx.config, ctx.logger);
  } catch (err) {
    return [{ ok: false, check: 'targets', detail: errorMessage(err), code: (err as SluiceError).code, hint: (err as SluiceError).hint }];
  }
  return Promise.all(targets.map(async (t, i) => {
    const check = `target ${names[i]}`;
    try {
      await t.sink.ping(AbortSignal.timeout(5000));
      return { ok: true, check, detail: `${t.type} reachable` };
    } catch (err) {
      const code = err instanceof SluiceError ? err.code : 'SLUICE_3001';
      return { ok: false, check, detail: errorMessage(err), code, hint: errorCatalog[code].hint };
    } finally {
      await t.sink.close().catch(() => undefined);
    }
  }));
}

/** `sluice check -c FILE`: preflight of the source and every target; returns the exit code. */
export async function checkCommand(file: string): Promise<number> {
  const ctx = await openContext(file);
  try {
    const findings = [...await preflightSource(ctx.config.source), ...await checkTargets(ctx)];
    for (const f of findings) {
      process.stdout.write(`${f.ok ? '✔' : '✖'} ${f.check}: ${f.detail}\n`);
      if (!f.ok) process.stdout.write(`    ${f.code ?? ''} → ${f.hint ?? ''}\n`);
    }
    const failed = findings.filter((f) => !f.ok).length;
    process.stdout.write(failed === 0 ? 'all checks passed\n' : `${failed} check(s) failed\n`);
    return failed === 0 ? 0 : 1;
  } finally {
    await ctx.store.close();
  }
}
