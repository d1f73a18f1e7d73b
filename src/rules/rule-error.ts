import { sluiceError, type SluiceError } from '../core/errors.ts';

/** SLUICE_1005 for the rule at `label`, naming the field: `targets[0].rules[1].columns.rename.email: ...`. */
export function ruleError(label: string, field: string | undefined, message: string, cause?: unknown): SluiceError {
  const path = field === undefined ? label : `${label}.${field}`;
  return sluiceError('SLUICE_1005', `${path}: ${message}`, { details: { path }, cause });
}

/** Runs a compile step, turning its Error into a SLUICE_1005 for `label.field`. */
export function compileField<T>(label: string, field: string | undefined, compile: () => T): T {
  try {
    return compile();
  } catch (err) {
    throw ruleError(label, field, (err as Error).message, err);
  }
}
