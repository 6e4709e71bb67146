/**
 * Elasticsearch: the cluster elects a master and accepts changes while a majority of the
 * master-eligible nodes is up (https://www.elastic.co/guide/en/elasticsearch/reference/current/modules-discovery-quorums.html);
 * a write is acknowledged once every in-sync copy of its shard has it, and with shard allocation
 * awareness on the zone attribute no two copies of a shard share a zone
 * (https://www.elastic.co/guide/en/elasticsearch/reference/current/shard-allocation-awareness.html).
 * Without awareness, a primary and its replicas may all sit in the lost zone.
 */
import { majority, QuorumVerdict } from "./types";

export interface ElasticsearchInput {
  masters: number;
  mastersLost: number;
  /** Replicas per shard (`number_of_replicas`). */
  replicas: number;
  awareness: boolean;
  /** Data nodes the zone held, at worst (the copies it may hold without awareness). */
  dataNodesLost: number;
}

export function elasticsearchRule(i: ElasticsearchInput): Pick<QuorumVerdict, "writes" | "ackedWritesSafe" | "rule"> {
  const mastersLeft = i.masters - i.mastersLost;
  const copies = i.replicas + 1;
  const copiesLost = i.awareness ? Math.min(1, i.dataNodesLost) : Math.min(copies, i.dataNodesLost);
  return {
    writes: mastersLeft >= majority(i.masters) && copies > copiesLost,
    ackedWritesSafe: copies > copiesLost,
    rule: `${mastersLeft} of ${i.masters} master-eligible nodes left (majority ${majority(i.masters)}); ${copies} copies of each shard, ${i.awareness ? "zone awareness: at most 1" : `no awareness: up to ${copiesLost}`} in the lost zone`,
  };
}
