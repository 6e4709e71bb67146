/** The EKS target: private cluster across 3 AZs, per-AZ workload node groups, cluster-autoscaler, IRSA. */
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { autoscalerTags } from "../providers/eks/nodes";
import { STACKS_DIR, withConfig, configProblems } from "./fixtures";
import { byUrn, Inputs, objects, ofType } from "./harness/query";
import { CapturedResource, runStack, StackRun } from "./harness/run-stack";
import { readStackFile, StackFile } from "./harness/stack-file";

const EKS = path.join(STACKS_DIR, "Pulumi.initech-eks.yaml");
const eksStack = (extra: Record<string, unknown>): StackFile => withConfig(readStackFile(EKS), extra);

const one = (run: StackRun, type: string): CapturedResource => {
  const found = ofType(run, type);
  assert.equal(found.length, 1, `expected one ${type}, found ${found.length}`);
  return found[0];
};
const input = (r: CapturedResource) => r.inputs as Inputs;

describe("EKS target", () => {
  let run: StackRun;
  let cluster: Inputs;
  before(async () => {
    run = await runStack(readStackFile(EKS));
    cluster = input(one(run, "aws:eks/cluster:Cluster"));
  });

  it("spans 3 AZs with a private and a public subnet each, tagged for load balancers", () => {
    const subnets = ofType(run, "aws:ec2/subnet:Subnet").map(input);
    const priv = subnets.filter((s) => s.tags["kubernetes.io/role/internal-elb"] === "1");
    const pub = subnets.filter((s) => s.tags["kubernetes.io/role/elb"] === "1");
    assert.deepEqual(priv.map((s) => s.availabilityZone).sort(), ["eu-central-1a", "eu-central-1b", "eu-central-1c"]);
    assert.deepEqual(pub.map((s) => s.availabilityZone).sort(), ["eu-central-1a", "eu-central-1b", "eu-central-1c"]);
    assert.ok(pub.every((s) => s.mapPublicIpOnLaunch === false));
  });

  it("has a NAT gateway per AZ by default", () => {
    assert.equal(ofType(run, "aws:ec2/natGateway:NatGateway").length, 3);
  });

  it("keeps the endpoint private, the public one restricted to the configured CIDRs", () => {
    assert.equal(cluster.vpcConfig.endpointPrivateAccess, true);
    assert.equal(cluster.vpcConfig.endpointPublicAccess, true);
    assert.deepEqual(cluster.vpcConfig.publicAccessCidrs, ["198.51.100.0/24"]);
  });

  it("encrypts secrets with a rotating KMS key and logs api, audit and authenticator", () => {
    const key = one(run, "aws:kms/key:Key");
    assert.equal(input(key).enableKeyRotation, true);
    assert.deepEqual(cluster.encryptionConfig.resources, ["secrets"]);
    assert.match(cluster.encryptionConfig.provider.keyArn, /:key\//);
    for (const log of ["api", "audit", "authenticator"]) assert.ok(cluster.enabledClusterLogTypes.includes(log));
    assert.equal(cluster.accessConfig.authenticationMode, "API");
    const entry = input(one(run, "aws:eks/accessEntry:AccessEntry"));
    assert.equal(entry.principalArn, "arn:aws:iam::123456789012:role/initech-platform-admins");
  });

  it("has one workload node group per AZ, and a system group across them", () => {
    const groups = ofType(run, "aws:eks/nodeGroup:NodeGroup").map(input);
    const workload = groups.filter((g) => g.labels["dedicated-platform/role"] === "workload");
    assert.equal(workload.length, 3);
    assert.ok(workload.every((g) => g.subnetIds.length === 1));
    assert.equal(new Set(workload.map((g) => g.subnetIds[0])).size, 3);
    // Per zone on every cloud: each per-AZ group carries the per-zone min/max.
    assert.ok(workload.every((g) => g.scalingConfig.minSize === 2 && g.scalingConfig.maxSize === 8));
    const system = groups.filter((g) => g.labels["dedicated-platform/role"] === "system");
    assert.equal(system.length, 1);
    assert.equal(system[0].subnetIds.length, 3);
    assert.deepEqual([system[0].scalingConfig.minSize, system[0].scalingConfig.maxSize], [3, 6]);
    for (const g of ofType(run, "aws:eks/nodeGroup:NodeGroup"))
      assert.ok(g.ignoreChanges.includes("scalingConfig.desiredSize"));
  });

  it("requires IMDSv2 and encrypted gp3 root volumes", () => {
    const lt = input(one(run, "aws:ec2/launchTemplate:LaunchTemplate"));
    assert.equal(lt.metadataOptions.httpTokens, "required");
    const ebs = lt.blockDeviceMappings[0].ebs;
    assert.deepEqual([ebs.volumeType, ebs.encrypted], ["gp3", "true"]);
  });

  it("deploys cluster-autoscaler with auto-discovery tags matching the node groups, and metrics-server", () => {
    const releases = ofType(run, "kubernetes:helm.sh/v3:Release").map(input);
    const ca = releases.find((r) => r.chart === "cluster-autoscaler")!;
    assert.equal(ca.values.autoDiscovery.clusterName, "initech-platform");
    assert.equal(ca.values.extraArgs["balance-similar-node-groups"], true);
    assert.equal(ca.values.extraArgs.expander, "least-waste");
    assert.match(ca.values.rbac.serviceAccount.annotations["eks.amazonaws.com/role-arn"], /^arn:aws:iam::/);
    const tags = autoscalerTags("initech-platform");
    for (const g of ofType(run, "aws:eks/nodeGroup:NodeGroup").map(input)) {
      for (const [k, v] of Object.entries(tags)) assert.equal(g.tags[k], v);
    }
    assert.ok(releases.some((r) => r.chart === "metrics-server"));
  });

  it("lets Prometheus scrape the cluster-autoscaler", () => {
    const monitor = objects(run, "PodMonitor", "kube-system").find(
      (m) => m.metadata.name === "node-autoscaler",
    ) as Inputs;
    assert.ok(monitor, "no monitor for the node autoscaler");
    assert.deepEqual(monitor.spec.selector.matchLabels, { "app.kubernetes.io/name": "aws-cluster-autoscaler" });
    assert.equal(monitor.spec.podMetricsEndpoints[0].portNumber, 8085);
  });

  it("limits the autoscaler's IAM role to this cluster's tagged groups", () => {
    const policies = ofType(run, "aws:iam/rolePolicy:RolePolicy").map((r) => JSON.parse(String(input(r).policy)));
    const ca = policies.find((p) => JSON.stringify(p).includes("SetDesiredCapacity"))!;
    const write = ca.Statement.find((s: Inputs) => s.Action.includes("autoscaling:SetDesiredCapacity"));
    assert.deepEqual(write.Condition.StringEquals, {
      "aws:ResourceTag/k8s.io/cluster-autoscaler/initech-platform": "owned",
    });
  });

  it("applies CoreDNS and the EBS CSI driver only after the node groups exist", () => {
    const addons = ofType(run, "aws:eks/addon:Addon");
    const nodeGroupUrns = new Set(ofType(run, "aws:eks/nodeGroup:NodeGroup").map((g) => g.urn));
    for (const name of ["coredns", "aws-ebs-csi-driver"]) {
      const a = addons.find((x) => input(x).addonName === name)!;
      assert.ok(
        a.dependsOn.some((u) => nodeGroupUrns.has(u)),
        `${name} does not wait for nodes`,
      );
    }
    assert.ok(input(addons.find((x) => input(x).addonName === "aws-ebs-csi-driver")!).serviceAccountRoleArn);
  });

  it("tears down in-cluster objects before add-ons, nodes, cluster and VPC (destroy runs dependencies in reverse)", () => {
    const provider = one(run, "pulumi:providers:kubernetes");
    const deps = provider.dependsOn.map((u) => byUrn(run, u)?.type);
    assert.equal(deps.filter((t) => t === "aws:eks/nodeGroup:NodeGroup").length, 4);
    assert.equal(deps.filter((t) => t === "aws:eks/addon:Addon").length, 4);
    // The cluster waits for the NAT gateways, so they outlive it on destroy.
    const clusterDeps = one(run, "aws:eks/cluster:Cluster").dependsOn.map((u) => byUrn(run, u)?.type);
    assert.ok(clusterDeps.includes("aws:ec2/natGateway:NatGateway"));
  });

  it("fronts Kong with an NLB from the AWS Load Balancer Controller, which outlives it on destroy", () => {
    const releases = ofType(run, "kubernetes:helm.sh/v3:Release");
    const lbc = releases.find((r) => input(r).chart === "aws-load-balancer-controller")!;
    assert.equal(input(lbc).values.clusterName, "initech-platform");
    assert.match(input(lbc).values.serviceAccount.annotations["eks.amazonaws.com/role-arn"], /^arn:aws:iam::/);
    const kong = releases.find((r) => input(r).chart === "kong")!;
    assert.deepEqual(input(kong).values.proxy.annotations, {
      "service.beta.kubernetes.io/aws-load-balancer-type": "external",
      "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
    });
    assert.ok(kong.dependsOn.includes(lbc.urn), "Kong (and its NLB) must be destroyed before the controller");
    const policies = ofType(run, "aws:iam/rolePolicy:RolePolicy").map((r) => JSON.parse(String(input(r).policy)));
    const lbcPolicy = policies.find((p) => JSON.stringify(p).includes("elasticloadbalancing:CreateLoadBalancer"))!;
    const deletes = lbcPolicy.Statement.find((s: Inputs) =>
      [].concat(s.Action).includes("elasticloadbalancing:DeleteLoadBalancer" as never),
    );
    assert.deepEqual(deletes.Condition, { Null: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } });
  });

  it("gives the platform an `aws eks get-token` kubeconfig, as a secret", () => {
    const provider = one(run, "pulumi:providers:kubernetes");
    assert.ok(provider.secretPaths.includes("kubeconfig"));
    assert.equal(
      JSON.parse(String(provider.inputs.kubeconfig)).users[0].user.exec.args.slice(0, 2).join(" "),
      "eks get-token",
    );
    assert.ok(run.secretOutputs.includes("kubeconfig"));
  });

  it("creates an encrypted gp3 StorageClass that binds on first consumer", () => {
    const [sc] = objects(run, "StorageClass") as Inputs[];
    assert.equal(sc.provisioner, "ebs.csi.aws.com");
    assert.equal(sc.volumeBindingMode, "WaitForFirstConsumer");
    assert.equal(sc.parameters.type, "gp3");
    assert.equal(sc.parameters.encrypted, "true");
  });

  it("locks every bucket down: no public access, TLS only, versioned, KMS-encrypted, protected", () => {
    const buckets = ofType(run, "aws:s3/bucket:Bucket");
    assert.ok(buckets.length >= 3);
    for (const b of buckets) assert.ok(b.protect);
    const blocks = ofType(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").map(input);
    assert.equal(blocks.length, buckets.length);
    assert.ok(
      blocks.every((p) => p.blockPublicAcls && p.blockPublicPolicy && p.ignorePublicAcls && p.restrictPublicBuckets),
    );
    const policies = ofType(run, "aws:s3/bucketPolicy:BucketPolicy").map((p) => JSON.parse(String(input(p).policy)));
    assert.ok(
      policies.every(
        (p) => p.Statement[0].Effect === "Deny" && p.Statement[0].Condition.Bool["aws:SecureTransport"] === "false",
      ),
    );
    assert.ok(
      ofType(run, "aws:s3/bucketVersioning:BucketVersioning").every(
        (v) => input(v).versioningConfiguration.status === "Enabled",
      ),
    );
  });

  it("grants pods cloud access through IRSA roles bound to one ServiceAccount", () => {
    const roles = ofType(run, "aws:iam/role:Role").map((r) => JSON.parse(String(input(r).assumeRolePolicy)));
    const pg = roles.find((r) => JSON.stringify(r).includes("system:serviceaccount:dp-data:postgres"));
    assert.ok(pg, "no IRSA role for the Postgres backups");
    assert.equal(pg.Statement[0].Action, "sts:AssumeRoleWithWebIdentity");
    const cluster = objects(run, "Cluster", "dp-data")[0] as Inputs;
    assert.match(
      cluster.spec.serviceAccountTemplate.metadata.annotations["eks.amazonaws.com/role-arn"],
      /^arn:aws:iam::/,
    );
    assert.match(cluster.spec.backup.barmanObjectStore.destinationPath, /^s3:\/\//);
  });

  it("gives static keys (MongoDB's backups) to an IAM user of their own, whose policy names only that bucket", () => {
    const user = one(run, "aws:iam/user:User");
    const policy = one(run, "aws:iam/userPolicy:UserPolicy");
    const key = one(run, "aws:iam/accessKey:AccessKey");
    // The provider names the user; the policy and the key must be that user's.
    assert.equal(input(policy).user, `${user.name}-mock`);
    assert.equal(input(key).user, `${user.name}-mock`);
    const resources = JSON.parse(String(input(policy).policy)).Statement.flatMap((st: Inputs) => st.Resource);
    assert.ok(resources.length > 0 && resources.every((r: string) => r.includes("mongo-backups")), String(resources));
  });
});

describe("EKS variants", () => {
  it("uses one NAT gateway when asked", async () => {
    const run = await runStack(eksStack({ aws: { region: "eu-central-1", singleNatGateway: true } }));
    assert.equal(ofType(run, "aws:ec2/natGateway:NatGateway").length, 1);
    assert.deepEqual(input(ofType(run, "aws:eks/cluster:Cluster")[0]).vpcConfig.endpointPublicAccess, false);
  });
});

describe("EKS config errors", () => {
  const problems = (extra: Record<string, unknown>) => configProblems(eksStack(extra));

  it("rejects an AZ outside the region", () => {
    assert.match(
      problems({ zones: ["eu-central-1a", "eu-central-1b", "us-east-1a"] }),
      /us-east-1a not in region eu-central-1/,
    );
  });

  it("rejects min greater than max", () => {
    const pools = [
      { name: "system", role: "system", machineType: "m7i.large", minPerZone: 3, maxPerZone: 1 },
      { name: "workload", role: "workload", machineType: "m7i.2xlarge", minPerZone: 1, maxPerZone: 2 },
    ];
    assert.match(problems({ nodePools: pools }), /minPerZone \(3\) must be less than or equal to maxPerZone \(1\)/);
  });

  it("rejects a bad CIDR, a subnet outside the VPC and overlapping subnets", () => {
    assert.match(
      problems({ aws: { region: "eu-central-1", vpcCidr: "10.0.0.0/99" } }),
      /aws\.vpcCidr = "10\.0\.0\.0\/99": expected an IPv4 CIDR/,
    );
    const msg = problems({
      aws: { region: "eu-central-1", privateSubnetCidrs: ["10.0.0.0/19", "10.0.0.0/20", "10.9.0.0/19"] },
    });
    assert.match(msg, /privateSubnetCidrs\[2\] = "10\.9\.0\.0\/19": not inside vpcCidr 10\.0\.0\.0\/16/);
    assert.match(msg, /privateSubnetCidrs\[0\] \(10\.0\.0\.0\/19\) overlaps privateSubnetCidrs\[1\]/);
  });
});
