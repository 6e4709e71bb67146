/** What a datastore's own rule says about the loss of one zone. */
export interface QuorumVerdict {
  /** The store and its operator, e.g. `PostgreSQL (CloudNativePG)`. */
  store: string;
  /** The custom resource, `Kind namespace/name`. */
  object: string;
  members: number;
  /** Members the lost zone held, at worst. */
  lost: number;
  /** Whether it keeps (or resumes, after its own failover) accepting writes. */
  writes: boolean;
  /** Whether no write it acknowledged before the loss can be lost by it. */
  ackedWritesSafe: boolean;
  /** The stack's stated acceptance of losing acknowledged writes (an annotation), when given. */
  accepted?: string;
  /** The rule, with the numbers, in a sentence. */
  rule: string;
}

/** The annotation by which a datastore says it accepts losing acknowledged writes, and why. */
export { ACCEPTS_WRITE_LOSS } from "../../../lib/labels";

export const majority = (n: number) => Math.floor(n / 2) + 1;
