/**
 * Reads a stack file (the shape of `Pulumi.<stack>.yaml`) into the flat string map and secret-key
 * list the Pulumi CLI hands a program. `secure:` values cannot be decrypted here; they become
 * recognisable placeholders, marked secret, so tests can check they never leak.
 */
import * as fs from "node:fs";
import YAML from "yaml";
import { parseConfig, PlatformConfig } from "../../config/load";

export interface StackFile {
  config?: Record<string, unknown>;
}

export interface StackConfig {
  values: Record<string, string>;
  secretKeys: string[];
}

/** The placeholder a `secure:` value takes under the harness. */
export const mockSecret = (key: string) => `mock-secret-value-of-${key}`;

export function readStackFile(path: string): StackFile {
  return YAML.parse(fs.readFileSync(path, "utf8")) as StackFile;
}

export function toStackConfig(stack: StackFile): StackConfig {
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(stack.config ?? {})) {
    if (value !== null && typeof value === "object" && "secure" in value) {
      values[key] = mockSecret(key);
      secretKeys.push(key);
    } else if (typeof value === "string") {
      values[key] = value;
    } else {
      // The CLI passes structured values (lists, objects) and scalars alike as text.
      values[key] = typeof value === "object" ? JSON.stringify(value) : String(value);
    }
  }
  return { values, secretKeys };
}

/** A stack file's config as the program parses it (throws the program's ConfigError on a bad one). */
export function parseStackFile(stack: StackFile): PlatformConfig {
  const { values, secretKeys } = toStackConfig(stack);
  return parseConfig(values, new Set(secretKeys));
}
