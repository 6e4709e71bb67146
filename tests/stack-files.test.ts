/**
 * Every committed stack file can be used as it is: each `secure:` value decrypts with the secrets
 * provider the file names (for the dev and example stacks, the passphrase the README gives).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import YAML from "yaml";
import { exampleStacks } from "./fixtures";
import { decryptStackSecrets, StackSecrets } from "./harness/stack-secrets";

/** The passphrase of the committed dev and example stacks (README: "The two commands"). */
const COMMITTED_STACKS_PASSPHRASE = "dedicated-platform-dev-only";

const read = (file: string) => YAML.parse(fs.readFileSync(file, "utf8")) as StackSecrets;

describe("committed stack files", () => {
  for (const file of exampleStacks()) {
    it(`${path.basename(file)}: every secure value decrypts with its secrets provider`, () => {
      const values = decryptStackSecrets(read(file), COMMITTED_STACKS_PASSPHRASE);
      for (const [k, v] of Object.entries(values)) assert.ok(v.length > 0, `${k} is empty`);
    });
  }

  it("rejects a placeholder no provider can decrypt, and a value under another passphrase", () => {
    const dev = read(path.resolve(__dirname, "../stacks/Pulumi.dev.yaml"));
    const placeholder = {
      config: { "dedicated-platform:emailPassword": { secure: "v1:EXAMPLE-ONLY-set-with-pulumi-config-set-secret" } },
    };
    assert.throws(() => decryptStackSecrets(placeholder, COMMITTED_STACKS_PASSPHRASE), /no secrets provider/);
    assert.throws(
      () => decryptStackSecrets({ ...placeholder, encryptionsalt: dev.encryptionsalt }, COMMITTED_STACKS_PASSPHRASE),
      /emailPassword: cannot be decrypted/,
    );
    assert.throws(() => decryptStackSecrets(dev, "another passphrase"), /does not open this file's encryptionsalt/);
  });
});
