/** Where each routed service and FusionAuth answer: hosts and paths from config, with defaults. */
import type { GatewayConfig, Routed } from "../../config/schema";
import { ROUTED } from "../../config/schema";

export const DEFAULT_PATHS: Record<Routed, string> = {
  portal: "/",
  coordinator: "/api",
  "trigger-http": "/trigger/http",
  "trigger-rest": "/trigger/rest",
  "trigger-http-file": "/trigger/file",
};

export interface Route {
  host: string;
  path: string;
}

export function routeOf(g: GatewayConfig, service: Routed): Route {
  const r = g.routes[service] ?? {};
  return { host: r.host ?? g.domain, path: r.path ?? DEFAULT_PATHS[service] };
}

/** FusionAuth answers on its own host; its admin UI is under /admin there. */
export const identityHost = (g: GatewayConfig) => `auth.${g.domain}`;
export const ADMIN_PATH = "/admin";

/** Default rate limits per second when the config sets none. */
export const DEFAULT_RATE_LIMITS: Record<Routed | "identity", { perSecond?: number; perMinute?: number }> = {
  "trigger-http": { perSecond: 100 },
  "trigger-rest": { perSecond: 100 },
  "trigger-http-file": { perSecond: 20 },
  portal: { perSecond: 50 },
  coordinator: { perSecond: 20 },
  identity: { perSecond: 20 },
};

export const rateLimitOf = (g: GatewayConfig, target: Routed | "identity") =>
  g.rateLimits[target] ?? DEFAULT_RATE_LIMITS[target];

export { ROUTED };
