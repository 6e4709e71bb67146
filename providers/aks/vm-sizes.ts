/**
 * Allocatable capacity of an AKS node from its VM size, for the platform's capacity checks. AKS
 * reserves CPU on a published scale by core count, memory for the kubelet (20 MiB per pod the node
 * may run plus 50 MiB, at most 25% of the node's memory) and the eviction threshold (100 MiB)
 * (https://learn.microsoft.com/azure/aks/node-resource-reservations, Kubernetes 1.29 and later).
 */

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
/** GiB of memory per vCPU of the general-purpose (D), memory (E) and compute (F) families. */
const MEMORY_PER_VCPU: Record<string, number> = { D: 4, E: 8, F: 2 };
/** kube-reserved CPU (millicores) by vCPU count, from the page above. */
const CPU_RESERVED_MILLI: [number, number][] = [
  [1, 60],
  [2, 100],
  [4, 140],
  [8, 180],
  [16, 260],
  [32, 420],
  [64, 740],
];
/** Pods per node the reservation is computed for: AKS's default with Azure CNI Overlay is 250; 110 with kubenet. */
const MAX_PODS = 250;

/** vCPUs and memory (bytes) of a size such as `Standard_D8s_v5`; undefined when the family is not listed. */
export function vmCapacity(vmSize: string): { cpu: number; memory: number } | undefined {
  const m = /^Standard_([DEF])(\d+)[a-z]*_v[3-6]$/.exec(vmSize);
  if (!m) return undefined;
  const cpu = Number(m[2]);
  return { cpu, memory: cpu * MEMORY_PER_VCPU[m[1]] * GIB };
}

/** Allocatable CPU (cores) and memory (bytes) of one node; undefined for an unknown VM size. */
export function allocatable(vmSize: string): { cpu: number; memory: number } | undefined {
  const cap = vmCapacity(vmSize);
  if (!cap) return undefined;
  const reservedMilli = (CPU_RESERVED_MILLI.find(([cores]) => cap.cpu <= cores) ?? CPU_RESERVED_MILLI.at(-1)!)[1];
  const reservedMemory = Math.min(20 * MIB * MAX_PODS + 50 * MIB, 0.25 * cap.memory) + 100 * MIB;
  return { cpu: cap.cpu - reservedMilli / 1000, memory: cap.memory - reservedMemory };
}
