/**
 * RabbitMQ quorum queues (Raft): a queue accepts publishes and confirms them while a majority of its
 * replicas is up; a publisher confirm is sent once a majority has the message. A new quorum queue gets
 * min(3, cluster size) replicas by default, on distinct nodes (https://www.rabbitmq.com/docs/quorum-queues).
 * Classic queues are not replicated: a queue on a lost node is unavailable with its messages.
 */
import { majority, QuorumVerdict } from "./types";

export interface RabbitInput {
  nodes: number;
  /** Nodes the zone held, at worst. */
  lost: number;
  queueType: "quorum" | "classic";
}

export function rabbitmqRule(i: RabbitInput): Pick<QuorumVerdict, "writes" | "ackedWritesSafe" | "rule"> {
  if (i.queueType === "classic")
    return {
      writes: i.lost === 0,
      ackedWritesSafe: i.lost === 0,
      rule: `classic queues are not replicated: the queues of the ${i.lost} lost nodes go with them`,
    };
  const replicas = Math.min(3, i.nodes);
  // A queue's replicas are on distinct nodes: the zone takes at most min(lost nodes, replicas) of them.
  const lostReplicas = Math.min(i.lost, replicas);
  return {
    writes: replicas - lostReplicas >= majority(replicas),
    ackedWritesSafe: majority(replicas) > lostReplicas,
    rule: `quorum queues of ${replicas} replicas on ${i.nodes} nodes: ${replicas - lostReplicas} left, majority ${majority(replicas)}`,
  };
}
