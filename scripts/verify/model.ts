/**
 * `npm run verify`'s model of one stack: for each zone, what its loss leaves of every workload and
 * datastore; the capacity envelope; the cost; and the failures, each naming the workload, the zone
 * and the rule. Everything is computed from the resources the program declares under the mocks (the
 * same harness as the tests), charts rendered from the pinned archives, and the node pools and zones
 * the cloud target reports through the seam.
 */
import { chartsUnavailable } from "../../tests/harness/charts";
import { deployedObjects } from "../../tests/harness/deployed";
import { isK8sObject, K8sObject } from "../../tests/harness/query";
import { runStack } from "../../tests/harness/run-stack";
import { parseStackFile, StackFile } from "../../tests/harness/stack-file";
import { stackPools, StackPools } from "../../tests/harness/stack-pools";
import { capacityEnvelope, CapacityEnvelope, fits, gib, Resources } from "./capacity";
import { stackCost, StackCost } from "./cost";
import { zoneLoss, ZoneLoss } from "./placement";
import { datastoreVerdicts } from "./quorum";
import type { QuorumVerdict } from "./quorum/types";
import { Workload, workloadsOf } from "./workloads";

export interface WorkloadLoss extends ZoneLoss {
  id: string;
  replicas: number;
  requestPath: boolean;
  /** `serves` (replicas left at once), `recovers` (none at once; re-created in the other zones), `down`. */
  status: "serves" | "recovers" | "down";
}

export interface ZoneReport {
  zone: string;
  workloads: WorkloadLoss[];
  datastores: QuorumVerdict[];
}

export interface Verification {
  stack: string;
  cloud: string;
  environment: string;
  zones: string[];
  /** The stack opted into fewer than 3 zones: its failures are reported, not fatal. */
  fewerZones: boolean;
  pools: StackPools["pools"];
  workloads: Workload[];
  zoneLoss: ZoneReport[];
  capacity: CapacityEnvelope;
  cost: StackCost;
  failures: string[];
  notes: string[];
  /** Why chart objects are missing from the model, when they are. */
  chartsUnavailable?: string;
}

const res = (r: Resources) => `${Math.round(r.cpu * 100) / 100} cpu, ${gib(r.memory)}`;

export function zoneReports(workloads: Workload[], objects: unknown[], zones: string[]): ZoneReport[] {
  return zones.map((zone) => ({
    zone,
    workloads: workloads
      .filter((w) => !w.daemon && !w.datastore && w.min > 0)
      .map((w) => {
        const l = zoneLoss(w.min, w.placement, zones, zone);
        const status = l.guaranteed >= 1 ? "serves" : l.recovered >= 1 ? "recovers" : "down";
        return { id: w.id, replicas: w.min, requestPath: w.requestPath, ...l, status } as WorkloadLoss;
      }),
    datastores: datastoreVerdicts(objects, zones, zone),
  }));
}

/** Every reason the stack cannot be signed off, each naming the workload or store, the zone and the rule. */
export function failuresOf(zonesReport: ZoneReport[], capacity: CapacityEnvelope): string[] {
  const out: string[] = [];
  for (const z of zonesReport) {
    for (const w of z.workloads) {
      if (w.status === "down")
        out.push(
          `${w.id}: 0 of ${w.replicas} replicas can run when zone ${z.zone} is lost (its placement confines it to that zone)`,
        );
      else if (w.requestPath && w.status !== "serves")
        out.push(
          `${w.id}: on the request path, and 0 of ${w.replicas} replicas are guaranteed outside zone ${z.zone} (no hard zone spread or zone anti-affinity holds them apart)`,
        );
    }
    for (const d of z.datastores) {
      if (!d.writes) out.push(`${d.object}: stops accepting writes when zone ${z.zone} is lost (${d.rule})`);
      if (!d.ackedWritesSafe && !d.accepted)
        out.push(
          `${d.object}: can lose acknowledged writes when zone ${z.zone} is lost (${d.rule}); the stack does not say it accepts that`,
        );
    }
  }
  if (capacity.known) {
    for (const c of capacity.zones) {
      if (!fits(c.demandMin, c.capacityMax))
        out.push(
          `zone ${c.zone}: the platform at rest requests ${res(c.demandMin)}, more than the pools' maximum holds (${res(c.capacityMax)})`,
        );
      else if (!fits(c.demandMax, c.capacityMax))
        out.push(
          `zone ${c.zone}: every autoscaler at its maximum requests ${res(c.demandMax)}, more than the pools' maximum holds (${res(c.capacityMax)})`,
        );
      else if (!fits(c.workloadOnlyMax, c.workloadPoolsMax))
        out.push(
          `zone ${c.zone}: pods that only workload pools may run request ${res(c.workloadOnlyMax)} at the maximum, more than the workload pools hold (${res(c.workloadPoolsMax)})`,
        );
    }
    for (const l of capacity.oneZoneLost)
      if (!fits(l.demandMin, l.capacityMax))
        out.push(
          `zone ${l.lost} lost: the other zones cannot hold the platform at rest (${res(l.demandMin)} requested, ${res(l.capacityMax)} at the pools' maximum)`,
        );
    out.push(...capacity.tooLarge);
  }
  return [...new Set(out)];
}

export async function verifyStack(stackName: string, stack: StackFile): Promise<Verification> {
  const config = parseStackFile(stack);
  const seam = await stackPools(stack);
  const run = await runStack(stack, { stackName });
  const unavailable = chartsUnavailable();
  // Without the chart directory or helm, the model sees the program's own objects only (and says so).
  const deployed = unavailable
    ? {
        objects: run.resources.filter(isK8sObject).map((r) => ({
          object: r.inputs as unknown as K8sObject,
          source: { kind: "program" as const, name: r.name, resource: r },
        })),
        renderErrors: [],
      }
    : deployedObjects(run, undefined, config.mirror);
  if (deployed.renderErrors.length) throw new Error(`charts did not render:\n${deployed.renderErrors.join("\n")}`);
  const nodes = seam.pools.reduce((a, p) => a + p.maxPerZone * (p.zones.length || seam.zones.length), 0);
  const workloads = workloadsOf(deployed.objects, config.namespacePrefix, nodes);
  const objects = deployed.objects.map((d) => d.object);
  const zonesReport = zoneReports(workloads, objects, seam.zones);
  const capacity = capacityEnvelope(workloads, seam.pools, seam.zones, seam.cloud);
  const notes: string[] = unavailable ? [`chart objects not modelled: ${unavailable}`] : [];
  if (!capacity.known)
    notes.push(
      `capacity not checked for pools ${capacity.unknownPools.join(", ")}: their allocatable is unknown (set allocatableCpu and allocatableMemory, or a known machineType)`,
    );
  for (const c of capacity.zones)
    if (capacity.known && !fits(c.demandMin, c.capacityMin))
      notes.push(
        `zone ${c.zone}: at rest the platform requests more than the pools' minimum nodes hold; the node autoscaler adds nodes`,
      );
  const fewerZones = config.allowFewerZones && seam.zones.length < 3;
  return {
    stack: stackName,
    cloud: seam.cloud,
    environment: config.environment,
    zones: seam.zones,
    fewerZones,
    pools: seam.pools,
    workloads,
    zoneLoss: zonesReport,
    capacity,
    cost: stackCost(seam.cloud, seam.pools, seam.zones),
    failures: failuresOf(zonesReport, capacity),
    notes,
    chartsUnavailable: unavailable,
  };
}
