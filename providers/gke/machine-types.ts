/**
 * Allocatable capacity of a GKE node from its machine type, for the platform's capacity checks.
 * GKE reserves CPU and memory for the kubelet and system daemons on a published sliding scale
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes); this applies it.
 */

const GIB = 1024 ** 3;
/** GiB of memory per vCPU for the predefined families. */
const MEMORY_PER_VCPU: Record<string, number> = { standard: 4, highmem: 8, highcpu: 1 };

/** vCPUs and memory (bytes) of a predefined machine type such as `n2-standard-8`; undefined if unknown. */
export function machineCapacity(machineType: string): { cpu: number; memory: number } | undefined {
  const m = /^(e2|n1|n2|n2d|n4|c2d|c3|c3d|c4|t2d)-(standard|highmem|highcpu)-(\d+)$/.exec(machineType);
  if (!m) return undefined;
  const cpu = Number(m[3]);
  const perCpu = m[1] === "n1" && m[2] === "standard" ? 3.75 : MEMORY_PER_VCPU[m[2]];
  return { cpu, memory: cpu * perCpu * GIB };
}

function tiered(amount: number, tiers: [number, number][], rest: number): number {
  let reserved = 0;
  let left = amount;
  for (const [size, rate] of tiers) {
    const part = Math.min(left, size);
    reserved += part * rate;
    left -= part;
  }
  return reserved + left * rest;
}

/** Allocatable CPU (cores) and memory (bytes) of one node; undefined for an unknown machine type. */
export function allocatable(machineType: string): { cpu: number; memory: number } | undefined {
  const cap = machineCapacity(machineType);
  if (!cap) return undefined;
  const cpuReserved = tiered(
    cap.cpu,
    [
      [1, 0.06],
      [1, 0.01],
      [2, 0.005],
    ],
    0.0025,
  );
  const memReserved =
    tiered(
      cap.memory,
      [
        [4 * GIB, 0.25],
        [4 * GIB, 0.2],
        [8 * GIB, 0.1],
        [112 * GIB, 0.06],
      ],
      0.02,
    ) +
    100 * 1024 ** 2; // eviction threshold
  return { cpu: cap.cpu - cpuReserved, memory: cap.memory - memReserved };
}
