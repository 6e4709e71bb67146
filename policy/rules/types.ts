/**
 * The shape every rule checks: the resources of one stack as plain objects, whichever way they were
 * gathered (the Pulumi engine under `pulumi preview --policy-pack policy`, or the project's tests over
 * the mocks and the rendered charts). Kept free of `@pulumi/policy` so the same rule runs in both.
 */

export interface Resource {
  /** Pulumi type token, e.g. `kubernetes:apps/v1:Deployment`, `gcp:container/cluster:Cluster`. */
  type: string;
  name: string;
  urn: string;
  props: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Property paths (dot/bracket form) that hold Pulumi secrets. */
  secretPaths: ReadonlySet<string>;
  protect: boolean;
  /** `program` for what Pulumi declares; the release or manifest name for an object it installs. */
  origin: string;
}

export interface Violation {
  urn: string;
  message: string;
}

export type Group = "workloads" | "availability" | "network" | "data" | "clouds";

export interface Rule {
  name: string;
  group: Group;
  /** What is wrong and what to do about it, for the person reading the preview. */
  description: string;
  severity: "critical" | "high" | "medium" | "low";
  /** `mandatory` where a violation is a defect; `advisory` where it is a judgement. */
  enforcementLevel: "mandatory" | "advisory";
  check(stack: Stack): Violation[];
}

/** One stack's resources with the questions most rules ask of them. */
export class Stack {
  constructor(readonly resources: Resource[]) {}

  /** Kubernetes objects: resources whose type is `kubernetes:<group>/<version>:<Kind>`. */
  objects(...kinds: string[]): Resource[] {
    return this.resources.filter((r) => {
      const kind = kubeKind(r.type);
      return kind !== undefined && (kinds.length === 0 || kinds.includes(kind));
    });
  }

  /** The stack's environment, from its namespaces' annotation; `production` when none says. */
  get environment(): string {
    for (const ns of this.objects("Namespace")) {
      const env = ns.props.metadata?.annotations?.["dedicated-platform/environment"];
      if (typeof env === "string") return env;
    }
    return "production";
  }

  /** The platform's own namespaces (those the program declares with the environment annotation). */
  get platformNamespaces(): Resource[] {
    return this.objects("Namespace").filter((n) => n.props.metadata?.annotations?.["dedicated-platform/environment"]);
  }
}

/** `Deployment` for `kubernetes:apps/v1:Deployment`; undefined for other providers' types. */
export function kubeKind(type: string): string | undefined {
  const m = /^kubernetes:[^:]+:([A-Za-z]+)$/.exec(type);
  return m && !type.startsWith("kubernetes:helm.sh/") && !type.startsWith("kubernetes:yaml/") ? m[1] : undefined;
}

export const nameOf = (r: Resource) =>
  `${kubeKind(r.type) ?? r.type} ${r.props.metadata?.namespace ? `${r.props.metadata.namespace}/` : ""}${r.props.metadata?.name ?? r.name}`;
