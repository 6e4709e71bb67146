/**
 * Allocatable capacity of an EKS node from its instance type, for capacity checks: vCPUs and memory of
 * the common general-purpose families, minus the kubelet reservations the EKS AMIs apply
 * (CPU on GKE's sliding scale; memory 255Mi + 11Mi per pod for the max-pods of the size, plus 100Mi eviction).
 */
const MEMORY_PER_VCPU: Record<string, number> = { m: 4, c: 2, r: 8, t: 4 };
const SIZES: Record<string, number> = {
  large: 2,
  xlarge: 4,
  "2xlarge": 8,
  "4xlarge": 16,
  "8xlarge": 32,
  "12xlarge": 48,
  "16xlarge": 64,
};
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

export function allocatable(instanceType: string): { cpu: number; memory: number } | undefined {
  const m = /^([mcrt])[5-8][a-z]*\.(\w+)$/.exec(instanceType);
  if (!m || !SIZES[m[2]]) return undefined;
  const cpu = SIZES[m[2]];
  const memory = cpu * MEMORY_PER_VCPU[m[1]] * GIB;
  const maxPods = Math.min(110, cpu * 15);
  const cpuReserved =
    0.06 + (cpu > 1 ? 0.01 : 0) + Math.min(Math.max(cpu - 2, 0), 2) * 0.005 + Math.max(cpu - 4, 0) * 0.0025;
  const memReserved = (255 + 11 * maxPods + 100) * MIB;
  return { cpu: cpu - cpuReserved, memory: memory - memReserved };
}
