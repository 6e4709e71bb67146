/**
 * The alerts that matter for a 3-zone platform, each with a runbook in its annotations: what it
 * means, what to check, what to do.
 */
import type { NodePoolInfo } from "../../providers/types";

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: "critical" | "warning" };
  annotations: { summary: string; runbook: string };
}

export interface AlertInputs {
  zones: string[];
  nodePools: NodePoolInfo[];
  namespaces: { data: string; logging: string };
}

export function alertRules(i: AlertInputs): AlertRule[] {
  const zoneRules: AlertRule[] = i.zones.map((zone) => ({
    alert: "ZoneWithoutReadyNodes",
    expr: `(sum(kube_node_status_condition{condition="Ready",status="true"} * on (node) group_left () kube_node_labels{label_topology_kubernetes_io_zone="${zone}"}) or vector(0)) < 1`,
    for: "5m",
    labels: { severity: "critical" },
    annotations: {
      summary: `Zone ${zone} has no ready node`,
      runbook: `The platform is running on two zones. Check the cloud's status page and the node pool in ${zone}; datastores keep serving on the other two zones (see docs/architecture.md). Do not drain more nodes until ${zone} is back: one more zone down loses quorum.`,
    },
  }));
  const poolRules: AlertRule[] = i.nodePools.map((p) => ({
    alert: "NodeAutoscalerAtMaximum",
    expr: `count(kube_node_labels{label_dedicated_platform_pool="${p.name}"}) >= ${p.maxPerZone * p.zones.length}`,
    for: "15m",
    labels: { severity: "warning" },
    annotations: {
      summary: `Node pool ${p.name} is at its maximum (${p.maxPerZone} per zone)`,
      runbook: `The autoscaler cannot add nodes to ${p.name}: pending pods stay pending. Check Pending pods (kubectl get pods -A --field-selector=status.phase=Pending), then raise nodePools[].maxPerZone for ${p.name} or lower HPA maximums.`,
    },
  }));
  return [
    ...zoneRules,
    ...poolRules,
    {
      alert: "HPAAtMaximum",
      expr: "kube_horizontalpodautoscaler_status_current_replicas >= kube_horizontalpodautoscaler_spec_max_replicas",
      for: "15m",
      labels: { severity: "warning" },
      annotations: {
        summary: "{{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has been at its maximum for 15 minutes",
        runbook:
          "Load exceeds what the service may scale to. Check its latency and error rate; raise services.<name>.maxReplicas if the nodes have room (see NodeAutoscalerAtMaximum).",
      },
    },
    {
      alert: "PodDisruptionBudgetBlocking",
      expr: "kube_poddisruptionbudget_status_pod_disruptions_allowed == 0 and kube_poddisruptionbudget_status_desired_healthy > 0",
      for: "1h",
      labels: { severity: "warning" },
      annotations: {
        summary: "PDB {{ $labels.namespace }}/{{ $labels.poddisruptionbudget }} allows no disruption",
        runbook:
          "Node drains and upgrades are blocked: a replica is already down. Find the unready pod of that workload and fix it; never delete the PDB to unblock a drain.",
      },
    },
    {
      alert: "PostgresReplicaMissing",
      expr: `cnpg_pg_replication_streaming_replicas{namespace="${i.namespaces.data}"} < 2`,
      for: "5m",
      labels: { severity: "critical" },
      annotations: {
        summary: "Postgres has fewer than 2 streaming replicas",
        runbook:
          "One more instance lost and writes stop (synchronous replication needs a standby). kubectl cnpg status postgres -n <data namespace>; check the missing instance's pod and PVC zone.",
      },
    },
    {
      alert: "PostgresSynchronousStandbyMissing",
      expr: `cnpg_collector_sync_replicas{namespace="${i.namespaces.data}",value="observed"} < 1`,
      for: "2m",
      labels: { severity: "critical" },
      annotations: {
        summary: "Postgres has no synchronous standby",
        runbook:
          "With dataDurability: required, writes wait until a standby is back. Bring a standby up (check pods, PVCs, the zone), do not switch replication to async.",
      },
    },
    {
      alert: "MongoDBMemberDown",
      expr: `min(mongodb_mongod_replset_member_health{namespace="${i.namespaces.data}"}) == 0 or count(mongodb_mongod_replset_member_health{namespace="${i.namespaces.data}"}) < 3`,
      for: "5m",
      labels: { severity: "critical" },
      annotations: {
        summary: "A MongoDB replica-set member is down",
        runbook:
          "Two members keep a majority; one more and the set is read-only. Check the PerconaServerMongoDB status and the member's pod and zone.",
      },
    },
    {
      alert: "RabbitMQQuorumLost",
      expr: `count(rabbitmq_identity_info{namespace="${i.namespaces.data}"}) < 2`,
      for: "2m",
      labels: { severity: "critical" },
      annotations: {
        summary: "Fewer than 2 RabbitMQ nodes are up: quorum queues have no quorum",
        runbook:
          "Quorum queues need 2 of 3 nodes to accept and deliver messages. Check the RabbitmqCluster pods; pause_minority stops a partitioned node on purpose.",
      },
    },
    {
      alert: "ElasticsearchNotGreen",
      expr: `max(elasticsearch_cluster_health_status{namespace="${i.namespaces.logging}",color="green"}) < 1`,
      for: "10m",
      labels: { severity: "warning" },
      annotations: {
        summary: "The pipeline-log Elasticsearch cluster is not green",
        runbook:
          "Yellow: replicas unassigned (a node or zone is down, allocation awareness waits for it). Red: a primary is missing, some pipeline logs are unreadable. Check _cluster/health and _cat/shards through the elasticsearch-exporter's reader account.",
      },
    },
    {
      alert: "KongHigh5xxRate",
      expr: 'sum(rate(kong_http_requests_total{code=~"5.."}[5m])) / sum(rate(kong_http_requests_total[5m])) > 0.05',
      for: "10m",
      labels: { severity: "critical" },
      annotations: {
        summary: "More than 5% of requests through Kong fail with 5xx",
        runbook:
          "Break down by service (kong_http_requests_total by service, code); check the upstream service's pods, HPA and datastores.",
      },
    },
    {
      alert: "CertificateExpiringSoon",
      expr: "certmanager_certificate_expiration_timestamp_seconds - time() < 14 * 24 * 3600",
      for: "1h",
      labels: { severity: "warning" },
      annotations: {
        summary: "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in less than 14 days",
        runbook:
          "cert-manager should have renewed it 30 days before expiry. kubectl describe certificate; check the ACME order/challenge and that Kong serves the HTTP-01 path.",
      },
    },
  ];
}
