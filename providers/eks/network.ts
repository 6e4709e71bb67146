/**
 * The stack's VPC across 3 AZs: a public and a private subnet per AZ, a NAT gateway per AZ (or one
 * for dev stacks), and the subnet tags load balancers use to find their subnets.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsConfig } from "../../config/schema";

export interface EksNetwork {
  vpc: aws.ec2.Vpc;
  privateSubnets: aws.ec2.Subnet[];
  publicSubnets: aws.ec2.Subnet[];
  /** Everything the cluster's traffic needs before the cluster can be used (and that goes last). */
  ready: pulumi.Resource[];
}

export function createNetwork(
  name: string,
  args: { config: AwsConfig; zones: string[]; clusterName: string },
  opts: pulumi.CustomResourceOptions,
): EksNetwork {
  const { config, zones, clusterName } = args;
  const vpc = new aws.ec2.Vpc(
    `${name}-vpc`,
    { cidrBlock: config.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: `${name}-vpc` } },
    opts,
  );
  const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id }, opts);
  const publicRoutes = new aws.ec2.RouteTable(
    `${name}-public`,
    { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] },
    opts,
  );
  const clusterTag = { [`kubernetes.io/cluster/${clusterName}`]: "shared" };

  const publicSubnets = zones.map(
    (az, i) =>
      new aws.ec2.Subnet(
        `${name}-public-${az}`,
        {
          vpcId: vpc.id,
          availabilityZone: az,
          cidrBlock: config.publicSubnetCidrs[i],
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-public-${az}`, "kubernetes.io/role/elb": "1", ...clusterTag },
        },
        opts,
      ),
  );
  publicSubnets.forEach(
    (s, i) =>
      new aws.ec2.RouteTableAssociation(
        `${name}-public-${zones[i]}`,
        { subnetId: s.id, routeTableId: publicRoutes.id },
        opts,
      ),
  );

  // A NAT gateway per AZ keeps egress up when a zone goes; one is cheaper for dev stacks.
  const natZones = config.singleNatGateway ? [0] : zones.map((_, i) => i);
  const nats = natZones.map((i) => {
    const eip = new aws.ec2.Eip(`${name}-nat-${zones[i]}`, { domain: "vpc" }, opts);
    return new aws.ec2.NatGateway(
      `${name}-nat-${zones[i]}`,
      { allocationId: eip.id, subnetId: publicSubnets[i].id },
      { ...opts, dependsOn: [igw] },
    );
  });
  const privateSubnets = zones.map((az, i) => {
    const subnet = new aws.ec2.Subnet(
      `${name}-private-${az}`,
      {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: config.privateSubnetCidrs[i],
        tags: { Name: `${name}-private-${az}`, "kubernetes.io/role/internal-elb": "1", ...clusterTag },
      },
      opts,
    );
    const nat = nats[config.singleNatGateway ? 0 : i];
    const routes = new aws.ec2.RouteTable(
      `${name}-private-${az}`,
      { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }] },
      opts,
    );
    new aws.ec2.RouteTableAssociation(`${name}-private-${az}`, { subnetId: subnet.id, routeTableId: routes.id }, opts);
    return subnet;
  });
  return { vpc, privateSubnets, publicSubnets, ready: [...nats, igw] };
}
