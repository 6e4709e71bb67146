/**
 * Elasticsearch has no Prometheus endpoint of its own: the community exporter reads cluster health
 * and index stats as the read-only pipeline-log user, over TLS with ECK's CA.
 */
import { image, Mirror } from "../../lib/mirror";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ES_NAME } from "../data/elasticsearch";
import { standardLabels } from "../../lib/labels";
import { RESTRICTED_CONTAINER, restrictedPod } from "../../lib/security-context";
import { IMAGES } from "../../lib/versions";

export const ES_EXPORTER_LABELS = { "app.kubernetes.io/name": "elasticsearch-exporter" };

export function createElasticsearchExporter(
  name: string,
  args: { customer: string; namespace: pulumi.Output<string>; readerSecret: pulumi.Input<string>; mirror?: Mirror },
  opts: pulumi.CustomResourceOptions,
) {
  const labels = {
    ...standardLabels({ name: "elasticsearch-exporter", instance: args.customer, component: "monitoring" }),
  };
  return new k8s.apps.v1.Deployment(
    name,
    {
      metadata: { name: "elasticsearch-exporter", namespace: args.namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: ES_EXPORTER_LABELS },
        template: {
          metadata: { labels: { ...labels, ...ES_EXPORTER_LABELS } },
          spec: {
            automountServiceAccountToken: false,
            securityContext: restrictedPod(65534),
            containers: [
              {
                name: "exporter",
                image: image(IMAGES.elasticsearchExporter, args.mirror),
                args: [
                  `--es.uri=https://${ES_NAME}-es-http:9200`,
                  "--es.ca=/ca/ca.crt",
                  "--es.indices",
                  "--collector.clustersettings",
                ],
                env: [
                  { name: "ES_USERNAME", valueFrom: { secretKeyRef: { name: args.readerSecret, key: "username" } } },
                  { name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: args.readerSecret, key: "password" } } },
                ],
                ports: [{ name: "metrics", containerPort: 9114 }],
                readinessProbe: { httpGet: { path: "/healthz", port: "metrics" } },
                livenessProbe: { httpGet: { path: "/healthz", port: "metrics" } },
                resources: {
                  requests: { cpu: "50m", memory: "64Mi", "ephemeral-storage": "32Mi" },
                  limits: { cpu: "200m", memory: "128Mi", "ephemeral-storage": "256Mi" },
                },
                securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true },
                volumeMounts: [{ name: "ca", mountPath: "/ca", readOnly: true }],
              },
            ],
            volumes: [{ name: "ca", secret: { secretName: `${ES_NAME}-es-http-certs-public` } }],
          },
        },
      },
    },
    opts,
  );
}
