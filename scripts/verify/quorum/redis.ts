/**
 * Redis with Sentinel: a failover needs `quorum` Sentinels to agree the master is down and a majority
 * of all Sentinels to authorize it, and a replica to promote. Replication is asynchronous, so a
 * failover can lose writes the old master acknowledged
 * (https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/, "Consistency under
 * partitions"): a stack keeps that only where it says it accepts it (`ACCEPTS_WRITE_LOSS`).
 */
import { majority, QuorumVerdict } from "./types";

export interface RedisInput {
  redis: number;
  redisLost: number;
  sentinels: number;
  sentinelsLost: number;
  quorum: number;
}

export function redisRule(i: RedisInput): Pick<QuorumVerdict, "writes" | "ackedWritesSafe" | "rule"> {
  const sentinelsLeft = i.sentinels - i.sentinelsLost;
  const needed = Math.max(i.quorum, majority(i.sentinels));
  const writes = sentinelsLeft >= needed && i.redis - i.redisLost >= 1;
  return {
    writes,
    ackedWritesSafe: false,
    rule: `${sentinelsLeft} of ${i.sentinels} Sentinels left, ${needed} needed to fail over (quorum ${i.quorum}, majority ${majority(i.sentinels)}); ${i.redis - i.redisLost} of ${i.redis} Redis left; replication is asynchronous`,
  };
}
