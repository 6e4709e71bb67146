/**
 * The Pod Security Standards' `restricted` profile as security contexts, for the program's own pods and
 * for the charts' (the platform's namespaces and the cloud add-ons alike).
 */

/** The restricted Pod Security profile for a container. */
export const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  runAsNonRoot: true,
  seccompProfile: { type: "RuntimeDefault" },
};

/** The restricted Pod Security profile for a pod. */
export const restrictedPod = (uid: number) => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: uid,
  fsGroup: uid,
  seccompProfile: { type: "RuntimeDefault" },
});

/**
 * The restricted profile for a pod whose image already runs as a numeric non-root user (the
 * operators' distroless images): the kubelet checks `runAsNonRoot` against the image's user, so no
 * uid is imposed on an image that may need its own.
 */
export const RESTRICTED_POD_IMAGE_USER = {
  runAsNonRoot: true,
  seccompProfile: { type: "RuntimeDefault" },
};
