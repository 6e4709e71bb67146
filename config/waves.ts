/**
 * Deployment waves: the deploy workflow (`scripts/delivery/waves.ts`) updates every stack of wave 1, then
 * of wave 2, and so on, stopping at the first failure, so a bad change reaches dev and staging customers
 * before any production one. A stack may name its wave (`dedicated-platform:wave`); otherwise it follows
 * from the environment.
 */
import type { Environment } from "./schema";

export const DEFAULT_WAVES: Record<Environment, number> = { dev: 1, staging: 2, production: 3 };

/** The wave a stack deploys in: its own `wave` key, or its environment's default. */
export function waveOf(environment: Environment, wave?: number): number {
  return wave ?? DEFAULT_WAVES[environment];
}
