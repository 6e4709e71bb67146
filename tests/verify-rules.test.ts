/** Each datastore's quorum rule and the placement bounds, with the cases their documentation gives. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { worstPerZone, zoneLoss } from "../scripts/verify/placement";
import { elasticsearchRule } from "../scripts/verify/quorum/elasticsearch";
import { defaultParity, erasureSetSize, minioRule } from "../scripts/verify/quorum/minio";
import { mongodbRule } from "../scripts/verify/quorum/mongodb";
import { postgresRule } from "../scripts/verify/quorum/postgres";
import { rabbitmqRule } from "../scripts/verify/quorum/rabbitmq";
import { redisRule } from "../scripts/verify/quorum/redis";

const Z = ["a", "b", "c"];
const ok = (r: { writes: boolean; ackedWritesSafe: boolean }) => [r.writes, r.ackedWritesSafe];

describe("placement bounds", () => {
  it("a hard zone spread of maxSkew 1 puts at most ceil-ish n/3 in a zone", () => {
    assert.equal(worstPerZone(3, { hardZoneSkew: 1 }, Z), 1);
    assert.equal(worstPerZone(4, { hardZoneSkew: 1 }, Z), 2);
    assert.equal(worstPerZone(2, { hardZoneSkew: 1 }, Z), 1);
    assert.equal(worstPerZone(6, { hardZoneSkew: 2 }, Z), 3);
  });
  it("required zone anti-affinity: one per zone; replicas beyond the zones cannot run", () => {
    assert.deepEqual(zoneLoss(3, { zoneAntiAffinity: "required" }, Z, "a"), { guaranteed: 2, likely: 2, recovered: 2 });
    assert.deepEqual(zoneLoss(5, { zoneAntiAffinity: "required" }, Z, "a").guaranteed, 2);
  });
  it("no hard rule: at worst every replica in the lost zone, likely an even spread", () => {
    assert.deepEqual(zoneLoss(3, {}, Z, "a"), { guaranteed: 0, likely: 2, recovered: 3 });
  });
  it("pinned to a zone: down when that zone goes, untouched by another, never recovered", () => {
    assert.deepEqual(zoneLoss(2, { zones: ["a"] }, Z, "a"), { guaranteed: 0, likely: 0, recovered: 0 });
    assert.deepEqual(zoneLoss(2, { zones: ["a"] }, Z, "b"), { guaranteed: 2, likely: 2, recovered: 2 });
  });
});

describe("PostgreSQL (CloudNativePG synchronous replication)", () => {
  it("3 instances, ANY 1, required: a zone's loss keeps writes and every acknowledged commit", () =>
    assert.deepEqual(ok(postgresRule({ instances: 3, lost: 1, syncNumber: 1, dataDurability: "required" })), [
      true,
      true,
    ]));
  it("2 instances, ANY 1, required: losing the standby's zone stops writes (no standby left to confirm)", () =>
    assert.deepEqual(ok(postgresRule({ instances: 2, lost: 1, syncNumber: 1, dataDurability: "required" })), [
      false,
      true,
    ]));
  it("2 instances, preferred: keeps writing alone", () =>
    assert.deepEqual(ok(postgresRule({ instances: 2, lost: 1, syncNumber: 1, dataDurability: "preferred" })), [
      true,
      true,
    ]));
  it("asynchronous (number 0): a failover may lose acknowledged commits", () =>
    assert.deepEqual(ok(postgresRule({ instances: 3, lost: 1, syncNumber: 0, dataDurability: "required" })), [
      true,
      false,
    ]));
  it("two instances in the lost zone with ANY 1: a commit may have been on those two only", () =>
    assert.equal(
      postgresRule({ instances: 3, lost: 2, syncNumber: 1, dataDurability: "required" }).ackedWritesSafe,
      false,
    ));
});

describe("MongoDB (replica-set majority)", () => {
  it("3 members lose 1: a primary is elected by 2 of 3", () =>
    assert.deepEqual(ok(mongodbRule({ members: 3, lost: 1, writeConcern: "majority" })), [true, true]));
  it("2 members lose 1: 1 of 2 is no majority, no primary", () =>
    assert.equal(mongodbRule({ members: 2, lost: 1, writeConcern: "majority" }).writes, false));
  it("5 members lose 2: 3 of 5 still elect", () =>
    assert.equal(mongodbRule({ members: 5, lost: 2, writeConcern: "majority" }).writes, true));
  it("w:1 can lose a write acknowledged by the primary alone", () =>
    assert.equal(mongodbRule({ members: 3, lost: 1, writeConcern: 1 }).ackedWritesSafe, false));
});

describe("Elasticsearch (master quorum, shard copies)", () => {
  it("3 master-eligible lose 1, awareness, 1 replica: keeps working and every write", () =>
    assert.deepEqual(
      ok(elasticsearchRule({ masters: 3, mastersLost: 1, replicas: 1, awareness: true, dataNodesLost: 1 })),
      [true, true],
    ));
  it("2 master-eligible lose 1: no quorum (the documentation's reason for 3)", () =>
    assert.equal(
      elasticsearchRule({ masters: 2, mastersLost: 1, replicas: 1, awareness: true, dataNodesLost: 1 }).writes,
      false,
    ));
  it("no awareness: a primary and its replica may both be in the lost zone", () =>
    assert.equal(
      elasticsearchRule({ masters: 3, mastersLost: 1, replicas: 1, awareness: false, dataNodesLost: 2 })
        .ackedWritesSafe,
      false,
    ));
  it("no replicas: the lost zone's shards go with it", () =>
    assert.equal(
      elasticsearchRule({ masters: 3, mastersLost: 1, replicas: 0, awareness: true, dataNodesLost: 1 }).ackedWritesSafe,
      false,
    ));
});

describe("RabbitMQ (quorum queues)", () => {
  it("3 nodes lose 1: 2 of 3 replicas keep the queue", () =>
    assert.deepEqual(ok(rabbitmqRule({ nodes: 3, lost: 1, queueType: "quorum" })), [true, true]));
  it("2 nodes lose 1: a 2-replica queue has no majority", () =>
    assert.equal(rabbitmqRule({ nodes: 2, lost: 1, queueType: "quorum" }).writes, false));
  it("5 nodes: queues get 3 replicas; losing 1 keeps them", () =>
    assert.equal(rabbitmqRule({ nodes: 5, lost: 1, queueType: "quorum" }).writes, true));
  it("classic queues are not replicated", () =>
    assert.deepEqual(ok(rabbitmqRule({ nodes: 3, lost: 1, queueType: "classic" })), [false, false]));
});

describe("Redis Sentinel", () => {
  it("3 Sentinels, quorum 2, lose 1: fails over; writes may still be lost (asynchronous)", () =>
    assert.deepEqual(ok(redisRule({ redis: 3, redisLost: 1, sentinels: 3, sentinelsLost: 1, quorum: 2 })), [
      true,
      false,
    ]));
  it("2 Sentinels lose 1: no majority to authorize a failover (the documentation's broken example)", () =>
    assert.equal(redisRule({ redis: 2, redisLost: 1, sentinels: 2, sentinelsLost: 1, quorum: 1 }).writes, false));
});

describe("MinIO erasure coding", () => {
  it("default parity by set size", () => assert.deepEqual([2, 4, 6, 8, 16].map(defaultParity), [1, 2, 3, 4, 4]));
  it("erasure set size: the largest divisor of the drives up to 16", () =>
    assert.deepEqual([12, 16, 24, 32, 15].map(erasureSetSize), [12, 16, 12, 16, 15]));
  it("16 drives EC:4 lose 4: reads and writes go on", () =>
    assert.deepEqual(ok(minioRule({ setSize: 16, parity: 4, lost: 4 })), [true, true]));
  it("16 drives EC:4 lose 5: below quorum", () =>
    assert.deepEqual(ok(minioRule({ setSize: 16, parity: 4, lost: 5 })), [false, false]));
  it("parity of exactly half: writes need N/2 + 1", () =>
    assert.equal(minioRule({ setSize: 16, parity: 8, lost: 8 }).writes, false));
});
