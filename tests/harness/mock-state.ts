/**
 * What the mocks return: a resource's state is its inputs plus the outputs a real provider would
 * compute that the program reads back (generated names, endpoints, random values). Provider
 * functions answer only for the tokens listed here; any other call fails the test loudly.
 */
import type { MockCallArgs, MockResourceArgs } from "@pulumi/pulumi/runtime/mocks";

type State = Record<string, unknown>;

/** Outputs per resource type, computed from the inputs. */
const COMPUTED: Record<string, (args: MockResourceArgs) => State> = {
  "random:index/randomPassword:RandomPassword": (a) => ({ result: `mock-random-${a.name}` }),
  "random:index/randomString:RandomString": (a) => ({ result: `mock-random-${a.name}` }),
  "gcp:container/cluster:Cluster": (a) => ({
    name: a.inputs.name ?? `${a.name}-mock`,
    endpoint: "203.0.113.10",
    project: "mock-project",
    masterAuth: { clusterCaCertificate: "bW9jay1jYQ==" },
  }),
  "gcp:serviceaccount/account:Account": (a) => ({
    email: `${a.inputs.accountId}@mock-project.iam.gserviceaccount.com`,
    name: `projects/mock-project/serviceAccounts/${a.inputs.accountId}@mock-project.iam.gserviceaccount.com`,
  }),
  "gcp:kms/keyRing:KeyRing": (a) => ({ name: a.name }),
  // Auto-named by the provider when the program gives no name: the NAT and the user's policy and key
  // refer to them by it.
  "gcp:compute/router:Router": (a) => ({ name: a.inputs.name ?? `${a.name}-mock` }),
  "gcp:storage/bucket:Bucket": (a) => ({ url: `gs://${a.inputs.name}` }),
  "aws:eks/cluster:Cluster": (a) => ({
    name: a.inputs.name,
    endpoint: "https://MOCK.gr7.eu-central-1.eks.amazonaws.com",
    certificateAuthority: { data: "bW9jay1jYQ==" },
    identities: [{ oidcs: [{ issuer: "https://oidc.eks.eu-central-1.amazonaws.com/id/MOCK" }] }],
  }),
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": () => ({
    arn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/MOCK",
  }),
  "aws:iam/role:Role": (a) => ({ arn: `arn:aws:iam::123456789012:role/${a.name}`, name: a.name }),
  "aws:iam/user:User": (a) => ({ name: a.inputs.name ?? `${a.name}-mock` }),
  "aws:kms/key:Key": (a) => ({ arn: `arn:aws:kms:eu-central-1:123456789012:key/${a.name}`, keyId: a.name }),
  "aws:ec2/launchTemplate:LaunchTemplate": () => ({ latestVersion: 1 }),
  "aws:s3/bucket:Bucket": (a) => ({
    bucket: `${a.inputs.bucketPrefix}mock`,
    arn: `arn:aws:s3:::${a.inputs.bucketPrefix}mock`,
  }),
  "azure-native:containerservice:ManagedCluster": (a) => ({
    name: `${a.name}-mock`,
    fqdn: "mock-platform.hcp.westeurope.azmk8s.io",
    oidcIssuerProfile: { enabled: true, issuerURL: "https://westeurope.oic.prod-aks.azure.com/mock/" },
  }),
  "azure-native:managedidentity:UserAssignedIdentity": (a) => ({
    name: `${a.name}-mock`,
    principalId: `principal-${a.name}`,
    clientId: `client-${a.name}`,
  }),
  "azure-native:keyvault:Vault": (a) => ({ name: `${a.name}-mock`, id: `/vaults/${a.name}` }),
  "azure-native:keyvault:Key": (a) => ({ keyUriWithVersion: `https://mock.vault.azure.net/keys/${a.name}/0123` }),
  "azure-native:resources:ResourceGroup": (a) => ({ name: `${a.name}-mock` }),
  "azure-native:storage:StorageAccount": (a) => ({
    name: `${a.name.replace(/[^a-z0-9]/g, "")}mock`.slice(0, 24),
    id: `/storageAccounts/${a.name}`,
  }),
  "azure-native:storage:BlobContainer": (a) => ({ name: a.inputs.containerName }),
  "azure-native:network:Subnet": (a) => ({ id: `/subnets/${a.name}` }),
  "azure-native:network:VirtualNetwork": (a) => ({ name: `${a.name}-mock` }),
  "aws:iam/accessKey:AccessKey": (a) => ({ secret: `mock-random-aws-secret-${a.name}` }),
  // Named like the random mocks so the leak checks that look for generated values cover it too.
  "tls:index/privateKey:PrivateKey": (a) => ({
    privateKeyPem: `-----BEGIN PRIVATE KEY-----\nmock-random-private-key-${a.name}\n-----END PRIVATE KEY-----\n`,
    publicKeyPem: `-----BEGIN PUBLIC KEY-----\nmock-public-key-${a.name}\n-----END PUBLIC KEY-----\n`,
  }),
  "gcp:storage/hmacKey:HmacKey": (a) => ({ accessId: `GOOG1Emock${a.name}`, secret: `mock-random-hmac-${a.name}` }),
};

/**
 * `preview` mimics the first preview of a new stack: nothing exists yet, so the values a provider
 * would compute stay unknown (the SDK treats outputs missing from a preview's state as unknown).
 */
export function mockResourceState(args: MockResourceArgs, preview = false): State {
  const state: State = { ...args.inputs };
  if (args.type.startsWith("kubernetes:")) {
    const metadata = (args.inputs.metadata ?? {}) as State;
    // Server-side naming: Pulumi auto-names Kubernetes objects without metadata.name.
    state.metadata = { ...metadata, name: metadata.name ?? `${args.name}-mock` };
  }
  if (preview) return state;
  return { ...state, ...(COMPUTED[args.type]?.(args) ?? {}) };
}

/** Provider functions (invokes) the program may call, with plausible answers. */
const CALLS: Record<string, (inputs: State) => State> = {
  "gcp:compute/getZones:getZones": (i) => ({
    names: ["d", "c", "b", "a"].map((z) => `${String(i.region)}-${z}`),
  }),
  "gcp:organizations/getProject:getProject": (i) => ({ projectId: i.projectId, number: "123456789012" }),
  "azure-native:authorization:getClientConfig": () => ({
    subscriptionId: "00000000-0000-0000-0000-000000000001",
    tenantId: "00000000-0000-0000-0000-000000000002",
    clientId: "deployer",
    objectId: "deployer-object",
  }),
  "azure-native:containerservice:listManagedClusterUserCredentials": () => ({
    kubeconfigs: [
      {
        name: "clusterUser",
        value: Buffer.from(
          "apiVersion: v1\nusers:\n- name: u\n  user:\n    exec:\n      command: kubelogin\n      args:\n      - get-token\n      - --login\n      - devicecode\n",
        ).toString("base64"),
      },
    ],
  }),
  "azure-native:storage:listStorageAccountKeys": () => ({
    keys: [{ keyName: "key1", value: "mock-random-storage-key", permissions: "FULL" }],
  }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
    names: ["eu-central-1c", "eu-central-1b", "eu-central-1a"],
    zoneIds: ["euc1-az1", "euc1-az2", "euc1-az3"],
  }),
};

export function mockCall(args: MockCallArgs): State {
  const answer = CALLS[args.token];
  if (!answer) throw new Error(`unexpected provider function call in tests: ${args.token}`);
  return answer(args.inputs);
}
