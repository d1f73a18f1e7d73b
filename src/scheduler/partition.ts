/**
 * Jobs are spread over `partitions` by a stable hash of their name (FNV-1a, 32 bit), so every node
 * sharing a store computes the same partition for a job without asking anyone.
 */
export function partitionOf(jobName: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < jobName.length; i++) {
    h ^= jobName.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

/** The lease row of a partition in sluice_leases. */
export const partitionLease = (n: number): string => `partition:${n}`;

/** The heartbeat lease row of a node, so idle nodes count as live when partitions are shared out. */
export const nodeLease = (node: string): string => `node:${node}`;

export function partitionOfLease(name: string): number | undefined {
  const m = /^partition:(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}
