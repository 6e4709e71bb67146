/**
 * MinIO erasure coding: objects are split over an erasure set of s drives with p parity shards.
 * Reads need s - p drives of the set; writes need s - p, or s/2 + 1 when p is exactly s/2; an object
 * written while every drive was up survives the loss of up to p drives of its set
 * (https://min.io/docs/minio/linux/operations/concepts/erasure-coding.html). The default parity, when
 * `MINIO_STORAGE_CLASS_STANDARD` is unset, is 1 for 2-3 drives, 2 for 4-5, 3 for 6-7 and 4 for 8-16.
 */
import { QuorumVerdict } from "./types";

export interface MinioInput {
  /** Drives in the erasure set. */
  setSize: number;
  parity?: number;
  /** Drives of the set the zone held, at worst. */
  lost: number;
}

export const defaultParity = (s: number) => (s <= 3 ? 1 : s <= 5 ? 2 : s <= 7 ? 3 : 4);

/** MinIO's erasure-set size for a pool's drives: the largest divisor of the drive count from 16 down to 2. */
export function erasureSetSize(drives: number): number {
  for (let s = 16; s >= 2; s--) if (drives % s === 0) return s;
  return drives;
}

export function minioRule(i: MinioInput): Pick<QuorumVerdict, "writes" | "ackedWritesSafe" | "rule"> {
  const p = i.parity ?? defaultParity(i.setSize);
  const writeQuorum = p * 2 === i.setSize ? i.setSize / 2 + 1 : i.setSize - p;
  const left = i.setSize - i.lost;
  return {
    writes: left >= writeQuorum,
    ackedWritesSafe: i.lost <= p,
    rule: `erasure set of ${i.setSize} drives with parity ${p}: ${left} left, writes need ${writeQuorum}, reads ${i.setSize - p}`,
  };
}
