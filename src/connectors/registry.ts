import { httpSpec } from './http/spec.ts';
import { redisSpec } from './redis/spec.ts';
import type { ConnectorSpec } from './types.ts';

/** Every target Sluice can write to. Adding a target = one folder + one line here. */
export const connectorSpecs: readonly ConnectorSpec[] = [redisSpec, httpSpec] as unknown as readonly ConnectorSpec[];

export function connectorSpec(type: string): ConnectorSpec | undefined {
  return connectorSpecs.find((s) => s.type === type);
}
