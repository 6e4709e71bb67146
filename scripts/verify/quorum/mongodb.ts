/**
 * MongoDB replica set (Percona Operator): a primary needs the votes of a majority of the voting
 * members (https://www.mongodb.com/docs/manual/core/replica-set-elections/), and the implicit default
 * write concern is `majority` when the set has no arbiter
 * (https://www.mongodb.com/docs/manual/reference/write-concern/#implicit-default-write-concern): an
 * acknowledged write is on a majority and survives while a majority does.
 */
import { majority, QuorumVerdict } from "./types";

export interface MongoInput {
  members: number;
  lost: number;
  /** The write concern's `w`: `majority` (default) or a number. */
  writeConcern: "majority" | number;
}

export function mongodbRule(i: MongoInput): Pick<QuorumVerdict, "writes" | "ackedWritesSafe" | "rule"> {
  const voting = Math.min(i.members, 7);
  const left = i.members - i.lost;
  const writes = left >= majority(voting);
  const copies = i.writeConcern === "majority" ? majority(voting) : i.writeConcern;
  return {
    writes,
    ackedWritesSafe: copies > i.lost,
    rule: `replica set of ${i.members}: ${left} left, majority is ${majority(voting)}; w:${i.writeConcern} puts each write on ${copies}, ${i.lost} lost`,
  };
}
