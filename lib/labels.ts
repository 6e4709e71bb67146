/** The standard `app.kubernetes.io/*` labels, built in one place. */

export const PART_OF = "dedicated-platform";
export const MANAGED_BY = "pulumi";

export interface LabelArgs {
  /** What it is (`namespace`, `postgres`, `kong`...). */
  name: string;
  /** Which copy: the customer stack, or a finer instance name. */
  instance: string;
  /** Its role in the architecture (`isolation`, `database`, `gateway`...). */
  component: string;
}

export function standardLabels(args: LabelArgs): Record<string, string> {
  return {
    "app.kubernetes.io/name": args.name,
    "app.kubernetes.io/instance": args.instance,
    "app.kubernetes.io/component": args.component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": MANAGED_BY,
  };
}

/**
 * On a datastore's custom resource: the platform accepts that this store can lose writes it
 * acknowledged (asynchronous replication), and why. `npm run verify` fails a store that can lose
 * acknowledged writes in a zone loss without it.
 */
export const ACCEPTS_WRITE_LOSS = "dedicated-platform.io/accepts-write-loss";

/** On every platform namespace: the stack's environment (`dev`, `staging`, `production`). */
export const ENVIRONMENT_ANNOTATION = "dedicated-platform/environment";
/** On the platform namespaces that hold volumes (deleting one deletes its data). */
export const HOLDS_DATA_ANNOTATION = "dedicated-platform/holds-data";
