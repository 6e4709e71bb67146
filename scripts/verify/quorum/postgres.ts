/**
 * PostgreSQL under CloudNativePG: quorum-based synchronous replication
 * (https://cloudnative-pg.io/documentation/current/replication/#synchronous-replication).
 * With `synchronous: {method: any, number: k}` a commit returns once k standbys have it, so every
 * acknowledged write exists on k + 1 instances; CloudNativePG fails over to the most advanced standby.
 * With `dataDurability: required` (the default) the primary refuses writes while fewer than k standbys
 * are connected; with `preferred` it keeps writing with fewer (and so may acknowledge a write held by
 * the primary alone). `number: 0` (or no `synchronous`) is asynchronous replication: a failover can
 * lose the latest acknowledged writes.
 */
import { QuorumVerdict } from "./types";

export interface PostgresInput {
  instances: number;
  lost: number;
  syncNumber: number;
  dataDurability: "required" | "preferred";
}

export function postgresRule(i: PostgresInput): Pick<QuorumVerdict, "writes" | "ackedWritesSafe" | "rule"> {
  const left = i.instances - i.lost;
  if (i.syncNumber === 0)
    return {
      writes: left >= 1,
      ackedWritesSafe: false,
      rule: `asynchronous replication: ${left} of ${i.instances} instances left; a failover may lose the last acknowledged commits`,
    };
  const writes = i.dataDurability === "preferred" ? left >= 1 : left >= 1 + i.syncNumber;
  return {
    writes,
    // A commit is on syncNumber + 1 instances; the zone takes at most `lost` of them.
    ackedWritesSafe: i.syncNumber + 1 > i.lost,
    rule: `synchronous ANY ${i.syncNumber} (${i.dataDurability}): ${left} of ${i.instances} instances left, ${writes ? "enough" : "too few"} for a primary and ${i.syncNumber} synchronous standby; each commit is on ${i.syncNumber + 1} instances, ${i.lost} lost`,
  };
}
