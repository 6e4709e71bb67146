/**
 * Decrypts the `secure:` values of a stack file as the Pulumi CLI's passphrase secrets provider does:
 * the file's `encryptionsalt` is `v1:<salt>:<the word "pulumi", encrypted>`, the key is PBKDF2-SHA256 of
 * the passphrase and salt (1,000,000 rounds, 32 bytes), and each value is `v1:<nonce>:<AES-256-GCM
 * ciphertext and tag>`, all base64. A cloud KMS provider (`secretsprovider` with `encryptedkey`) cannot
 * be opened here: such a file is checked for shape only.
 */
import { createDecipheriv, pbkdf2Sync } from "node:crypto";

export interface StackSecrets {
  encryptionsalt?: string;
  secretsprovider?: string;
  encryptedkey?: string;
  config?: Record<string, unknown>;
}

/** `key -> ciphertext` for every `secure:` value of the file. */
export function secureValues(file: StackSecrets): Record<string, string> {
  return Object.fromEntries(
    Object.entries(file.config ?? {})
      .filter(([, v]) => v !== null && typeof v === "object" && "secure" in v)
      .map(([k, v]) => [k, String((v as { secure: unknown }).secure)]),
  );
}

function decrypt(key: Buffer, value: string): string {
  const [version, nonce, data] = value.split(":");
  if (version !== "v1" || !nonce || !data) throw new Error("not a v1:<nonce>:<ciphertext> value");
  const bytes = Buffer.from(data, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
}

/**
 * Every `secure:` value of the file, decrypted with `passphrase`; throws, naming the key, where the
 * file names no provider that can open it or a value does not decrypt.
 */
export function decryptStackSecrets(file: StackSecrets, passphrase: string): Record<string, string> {
  const values = secureValues(file);
  if (Object.keys(values).length === 0) return {};
  if (file.secretsprovider && file.secretsprovider !== "passphrase") {
    if (!file.encryptedkey) throw new Error(`secrets provider ${file.secretsprovider} without an encryptedkey`);
    for (const [k, v] of Object.entries(values))
      if (!/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/.test(v)) throw new Error(`${k}: not a value the provider wrote`);
    return {};
  }
  if (!file.encryptionsalt)
    throw new Error(
      `secure values (${Object.keys(values).join(", ")}) but no secrets provider: no encryptionsalt, no secretsprovider`,
    );
  const [version, salt, ...rest] = file.encryptionsalt.split(":");
  if (version !== "v1" || !salt) throw new Error("encryptionsalt is not v1:<salt>:<check>");
  const key = pbkdf2Sync(passphrase, Buffer.from(salt, "base64"), 1_000_000, 32, "sha256");
  let check: string;
  try {
    check = decrypt(key, rest.join(":"));
  } catch {
    check = "";
  }
  if (check !== "pulumi") throw new Error("the passphrase does not open this file's encryptionsalt");
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => {
      try {
        return [k, decrypt(key, v)];
      } catch (e) {
        throw new Error(`${k}: cannot be decrypted (${(e as Error).message})`);
      }
    }),
  );
}
