import fs from "node:fs";
import path from "node:path";
import { operatorScope, withTenant } from "@/db/tenant";
import { type Command, InvalidInputError, readSecretFromStdin, UsageError } from "./command";
import { divisionOption, tenantOfDivision } from "./lookup";

/**
 * `division pgp-key`: the private key a division decrypts PGP mail with. The key is read from a
 * file and its passphrase from stdin; both are sealed in the database and only the fingerprint is
 * ever shown again.
 */
export const divisionPgpKey: Command = {
  words: ["division", "pgp-key"],
  summary: "set or remove the private key that decrypts a division's PGP mail",
  description:
    "The key is checked (read and unlocked) before it is kept. The passphrase comes from stdin:\n" +
    "  printf '%s' \"$PASSPHRASE\" | postdesk division pgp-key --division ID --key-file key.asc --passphrase-stdin",
  options: {
    division: divisionOption,
    "key-file": { value: "FILE", description: "the armored private key (-----BEGIN PGP PRIVATE KEY BLOCK-----)" },
    "passphrase-stdin": { description: "read the key's passphrase from stdin" },
    clear: { description: "remove the division's key: encrypted mail is then set aside as unprocessed" },
  },
  fieldOptions: { armoredPrivateKey: "key-file" },
  refusedOptions: {
    passphrase: "a passphrase on the command line shows in `ps` and the shell's history; pipe it in with --passphrase-stdin",
  },
  async run(values, context) {
    if (Boolean(values.clear) === Boolean(values["key-file"])) {
      throw new UsageError("give either --key-file FILE or --clear");
    }
    if (values.clear) {
      const db = await context.database();
      const tenant = await tenantOfDivision(db, values.division!);
      const { clearDivisionPgpKey } = await import("@/lib/divisions/pgp-key");
      await withTenant(db, tenant.id, (tx) => clearDivisionPgpKey(tx, operatorScope(tenant.id), values.division!));
      return { json: { divisionId: values.division, fingerprint: null }, human: "The division's PGP key is removed." };
    }
    const file = path.resolve(context.callerDir, values["key-file"]!);
    if (!fs.existsSync(file)) throw new InvalidInputError({ "--key-file": [`${file} does not exist`] });
    const armoredPrivateKey = fs.readFileSync(file, "utf8");
    const passphrase = values["passphrase-stdin"]
      ? await readSecretFromStdin("--passphrase-stdin", "printf '%s' \"$PASSPHRASE\" | postdesk division pgp-key …")
      : null;
    const db = await context.database();
    const tenant = await tenantOfDivision(db, values.division!);
    const { setDivisionPgpKey } = await import("@/lib/divisions/pgp-key");
    const { fingerprint } = await withTenant(db, tenant.id, (tx) =>
      setDivisionPgpKey(tx, operatorScope(tenant.id), values.division!, { armoredPrivateKey, passphrase }),
    );
    return {
      json: { divisionId: values.division, fingerprint },
      human: `The division decrypts PGP mail with key ${fingerprint}.`,
    };
  },
};
