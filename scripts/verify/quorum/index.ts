/**
 * Each datastore custom resource of a stack, read into its store's rule (one module per store beside
 * this file) for the loss of one zone. Members lost are the worst case the placement rules allow.
 */
import { memberPlacement } from "../datastore-placement";
import { Placement, worstPerZone } from "../placement";
import { elasticsearchRule } from "./elasticsearch";
import { erasureSetSize, minioRule } from "./minio";
import { mongodbRule } from "./mongodb";
import { postgresRule } from "./postgres";
import { rabbitmqRule } from "./rabbitmq";
import { redisRule } from "./redis";
import { ACCEPTS_WRITE_LOSS, QuorumVerdict } from "./types";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const ref = (o: Any) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
const accepted = (o: Any): string | undefined => o.metadata?.annotations?.[ACCEPTS_WRITE_LOSS];

/** Every string value under a namespace's ConfigMaps and Secrets (the stores' settings live there). */
function texts(objects: Any[], namespace: string): string[] {
  return objects
    .filter((o) => (o.kind === "ConfigMap" || o.kind === "Secret") && o.metadata?.namespace === namespace)
    .flatMap((o) => [...Object.values(o.data ?? {}), ...Object.values(o.stringData ?? {})])
    .filter((v): v is string => typeof v === "string");
}

export function datastoreVerdicts(objects: Any[], zones: string[], lostZone: string): QuorumVerdict[] {
  const out: QuorumVerdict[] = [];
  const lostOf = (n: number, p: Placement) => (zones.includes(lostZone) ? worstPerZone(n, p, zones) : 0);
  for (const o of objects) {
    const s = o.spec ?? {};
    switch (o.kind) {
      case "Cluster": {
        if (!o.apiVersion?.startsWith("postgresql.cnpg.io/")) break;
        const instances = s.instances ?? 1;
        const lost = lostOf(instances, memberPlacement(o));
        const sync = s.postgresql?.synchronous;
        out.push({
          store: "PostgreSQL (CloudNativePG)",
          object: ref(o),
          members: instances,
          lost,
          accepted: accepted(o),
          ...postgresRule({
            instances,
            lost,
            syncNumber: sync?.number ?? 0,
            dataDurability: sync?.dataDurability ?? "required",
          }),
        });
        break;
      }
      case "PerconaServerMongoDB":
        (s.replsets ?? []).forEach((r: Any, i: number) => {
          const members = r.size ?? 3;
          const lost = lostOf(members, memberPlacement(o, i));
          out.push({
            store: "MongoDB (Percona)",
            object: `${ref(o)} replset ${r.name ?? "rs0"}`,
            members,
            lost,
            accepted: accepted(o),
            ...mongodbRule({ members, lost, writeConcern: "majority" }),
          });
        });
        break;
      case "Elasticsearch": {
        const sets = ((s.nodeSets ?? []) as Any[]).map((n, i) => ({
          ...n,
          lost: lostOf(n.count ?? 1, memberPlacement(o, i)),
        }));
        const isMaster = (n: Any) => !n.config?.["node.roles"] || n.config["node.roles"].includes("master");
        const masters = sets.filter(isMaster).reduce((a, n) => a + (n.count ?? 1), 0);
        const mastersLost = sets.filter(isMaster).reduce((a, n) => a + n.lost, 0);
        const dataNodesLost = sets.reduce((a, n) => a + n.lost, 0);
        const found = texts(objects, o.metadata.namespace).flatMap((t) =>
          [...t.matchAll(/"?number_of_replicas"?\s*:\s*"?(\d+)/g)].map((m) => Number(m[1])),
        );
        const replicas = found.length ? Math.min(...found) : 1;
        out.push({
          store: "Elasticsearch (ECK)",
          object: ref(o),
          members: sets.reduce((a, n) => a + (n.count ?? 1), 0),
          lost: dataNodesLost,
          accepted: accepted(o),
          ...elasticsearchRule({
            masters,
            mastersLost,
            replicas,
            awareness: sets.every((n) => !!n.zoneAwareness),
            dataNodesLost,
          }),
        });
        break;
      }
      case "RabbitmqCluster": {
        const nodes = s.replicas ?? 1;
        const lost = lostOf(nodes, memberPlacement(o));
        const quorum = /default_queue_type\s*=\s*quorum/.test(s.rabbitmq?.additionalConfig ?? "");
        out.push({
          store: "RabbitMQ (Cluster Operator)",
          object: ref(o),
          members: nodes,
          lost,
          accepted: accepted(o),
          ...rabbitmqRule({ nodes, lost, queueType: quorum ? "quorum" : "classic" }),
        });
        break;
      }
      case "RedisReplication": {
        const sentinel = objects.find(
          (x) => x.kind === "RedisSentinel" && x.metadata.namespace === o.metadata.namespace,
        );
        const redis = s.clusterSize ?? 1;
        const redisLost = lostOf(redis, memberPlacement(o));
        const sentinels = sentinel?.spec?.clusterSize ?? 0;
        const sentinelsLost = sentinel ? lostOf(sentinels, memberPlacement(sentinel)) : 0;
        out.push({
          store: "Redis with Sentinel (OT-Container-Kit)",
          object: ref(o),
          members: redis,
          lost: redisLost,
          accepted: accepted(o),
          ...redisRule({
            redis,
            redisLost,
            sentinels,
            sentinelsLost,
            quorum: Number(sentinel?.spec?.redisSentinelConfig?.quorum ?? 2),
          }),
        });
        break;
      }
      case "Tenant":
        (s.pools ?? []).forEach((pool: Any, i: number) => {
          const servers = pool.servers ?? 1;
          const volumes = pool.volumesPerServer ?? 1;
          const drives = servers * volumes;
          const setSize = erasureSetSize(drives);
          const serversLost = lostOf(servers, memberPlacement(o, i));
          // A set's drives are spread evenly over the servers: it loses its share of the lost servers' drives.
          const lost = Math.ceil((serversLost * volumes * setSize) / drives);
          const parityText = texts(objects, o.metadata.namespace)
            .map((t) => /MINIO_STORAGE_CLASS_STANDARD="?EC:(\d+)/.exec(t)?.[1])
            .find((x) => x !== undefined);
          out.push({
            store: "MinIO (erasure coding)",
            object: `${ref(o)} pool ${pool.name ?? 0}`,
            members: servers,
            lost: serversLost,
            accepted: accepted(o),
            ...minioRule({ setSize, parity: parityText ? Number(parityText) : undefined, lost }),
          });
        });
        break;
    }
  }
  return out;
}
