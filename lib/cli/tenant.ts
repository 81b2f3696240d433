import { operatorScope, withTenant } from "@/db/tenant";
import { getDivision } from "@/lib/divisions/divisions";
import { locales } from "@/lib/i18n/routing";
import { signUp, signUpSchema, type SignUpInput } from "@/lib/tenants/sign-up";
import type { Command } from "./command";
import { labelled } from "./output";

export const tenantCreate: Command = {
  words: ["tenant", "create"],
  summary: "sign a company up: the tenant, its owner and a first division",
  options: {
    name: { value: "NAME", description: "the company's name", required: true },
    "admin-email": { value: "EMAIL", description: "the owner's email address (their sign-in)", required: true },
    "admin-password": { value: "PASSWORD", description: "the owner's password", required: true },
    "admin-name": { value: "NAME", description: "the owner's name (default: from the email address)" },
    locale: { value: locales.join("|"), description: "the owner's language (default en)", choices: locales },
  },
  fieldOptions: {
    companyName: "name",
    adminName: "admin-name",
    email: "admin-email",
    password: "admin-password",
    locale: "locale",
  },
  async run(values, context) {
    const email = values["admin-email"]!;
    const input: SignUpInput = {
      companyName: values.name!,
      adminName: values["admin-name"] ?? nameFromEmail(email),
      email,
      password: values["admin-password"]!,
      locale: values.locale as SignUpInput["locale"],
    };
    // signUp validates too; checking first keeps bad input from opening (or locking) the database.
    signUpSchema.parse(input);
    const db = await context.database();
    const { tenant, user, divisionId } = await signUp(db, input);
    const division = await withTenant(db, tenant.id, (tx) =>
      getDivision(tx, operatorScope(tenant.id), divisionId),
    );
    const created = {
      id: tenant.id,
      name: tenant.name,
      slug: tenant.slug,
      createdAt: tenant.createdAt,
      admin: { id: user.id, email: user.email, name: user.name },
      division: { id: division.id, name: division.name, tag: division.tag },
    };
    return {
      json: created,
      human: [
        `Created tenant ${tenant.name}`,
        labelled([
          ["slug", tenant.slug],
          ["id", tenant.id],
          ["owner", `${user.name} <${user.email}>`],
          ["division", `${division.name} (${division.tag}) ${division.id}`],
        ]),
      ].join("\n"),
    };
  },
};

export const tenantCommands = [tenantCreate];

/** "jane.doe@acme.test" → "Jane.doe": a placeholder the owner can change in the app. */
function nameFromEmail(email: string): string {
  const local = email.split("@")[0]?.trim() ?? "";
  return local.charAt(0).toUpperCase() + local.slice(1);
}
