import type { Tenant } from "@/db/schema";
import { operatorScope, withTenant } from "@/db/tenant";
import {
  createDivision,
  getDivision,
  listDivisions,
  updateDivisionSettings,
} from "@/lib/divisions/divisions";
import { type DivisionWithSettings, divisionSettingsSchema, settingsOf } from "@/lib/divisions/settings";
import { locales } from "@/lib/i18n/routing";
import { type Command, toKebab, UsageError } from "./command";
import {
  displaySetting,
  readSettingsPatch,
  settingFieldOptions,
  settingOptions,
  settingOptionSpecs,
} from "./division-settings";
import { divisionOption, tenantBySlug, tenantOfDivision, tenantOption } from "./lookup";
import { labelled, table } from "./output";
import { divisionPgpKey } from "./pgp-key";

const newDivisionSchema = divisionSettingsSchema
  .pick({ name: true, tag: true })
  .extend({ language: divisionSettingsSchema.shape.language.optional() });

export const divisionCreate: Command = {
  words: ["division", "create"],
  summary: "add a division (a help desk of its own) to a company",
  options: {
    tenant: tenantOption,
    name: { value: "NAME", description: "the division's name, unique in the company", required: true },
    tag: {
      value: "TAG",
      description: "its tag in ticket subjects, [TAG#123]: 2-10 letters or digits",
      required: true,
    },
    language: {
      value: locales.join("|"),
      description: "language of its customer-facing mail (default en)",
      choices: locales,
    },
  },
  async run(values, context) {
    const input = newDivisionSchema.parse(values);
    const db = await context.database();
    const tenant = await tenantBySlug(db, values.tenant!);
    const division = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      const created = await createDivision(tx, scope, input);
      return getDivision(tx, scope, created.id);
    });
    return {
      json: divisionJson(division, tenant),
      human: `Created division ${division.name} (${division.tag}) in ${tenant.name}: ${division.id}`,
    };
  },
};

export const divisionList: Command = {
  words: ["division", "list"],
  summary: "list the divisions of a company",
  options: { tenant: tenantOption },
  async run(values, context) {
    const db = await context.database();
    const tenant = await tenantBySlug(db, values.tenant!);
    const divisions = await withTenant(db, tenant.id, (tx) => listDivisions(tx, operatorScope(tenant.id)));
    return {
      json: divisions.map((d) => ({
        id: d.id,
        name: d.name,
        tag: d.tag,
        language: d.language,
        dispatcherActive: d.dispatcherActive,
        sendingEnabled: d.sendingEnabled,
        createdAt: d.createdAt,
      })),
      human:
        divisions.length === 0
          ? `${tenant.name} has no divisions.`
          : table(
              ["ID", "TAG", "LANGUAGE", "DISPATCHER", "NAME"],
              divisions.map((d) => [d.id, d.tag, d.language, d.dispatcherActive ? "on" : "off", d.name]),
            ),
    };
  },
};

export const divisionShow: Command = {
  words: ["division", "show"],
  summary: "show a division and all its settings",
  options: { division: divisionOption },
  async run(values, context) {
    const db = await context.database();
    const id = values.division!;
    const tenant = await tenantOfDivision(db, id);
    const division = await withTenant(db, tenant.id, (tx) => getDivision(tx, operatorScope(tenant.id), id));
    return { json: divisionJson(division, tenant), human: divisionText(division, tenant) };
  },
};

export const divisionSet: Command = {
  words: ["division", "set"],
  summary: "change settings of a division",
  description:
    "Give any of the settings below; the rest stay as they are. Values are checked exactly as the\n" +
    "settings page checks them. Yes/no settings take true/false (yes/no, on/off, 1/0); lists are\n" +
    "comma-separated; `none` (or \"\") clears a value that may be empty. Service levels count in the\n" +
    "division's time zone and business hours (\"mon-fri 09:00-17:00, sat 10:00-14:00\", or always),\n" +
    "less its holidays; targets take minutes (90 or 90m) or hours (4h) of that business time.",
  options: { division: divisionOption, ...settingOptionSpecs },
  fieldOptions: settingFieldOptions,
  async run(values, context) {
    const patch = readSettingsPatch(values);
    if (Object.keys(patch).length === 0) {
      throw new UsageError("give at least one setting to change (such as --language pl)");
    }
    const db = await context.database();
    const id = values.division!;
    const tenant = await tenantOfDivision(db, id);
    const division = await withTenant(db, tenant.id, (tx) =>
      updateDivisionSettings(tx, operatorScope(tenant.id), id, patch),
    );
    const changed = Object.keys(patch).map((setting) => `--${settingFieldOptions[setting] ?? toKebab(setting)}`);
    return {
      json: divisionJson(division, tenant),
      human: `Updated ${changed.join(", ")}.\n\n${divisionText(division, tenant)}`,
    };
  },
};

export const divisionCommands = [divisionCreate, divisionList, divisionShow, divisionSet, divisionPgpKey];

/** The division's settings and where it belongs; never the rest of the row (sealed keys, counters). */
function divisionJson(division: DivisionWithSettings, tenant: Tenant) {
  return {
    id: division.id,
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name },
    createdAt: division.createdAt,
    updatedAt: division.updatedAt,
    settings: settingsOf(division),
  };
}

function divisionText(division: DivisionWithSettings, tenant: Tenant): string {
  const settings = settingsOf(division);
  return [
    `Division ${division.name} (${division.tag}) of ${tenant.name} (${tenant.slug})`,
    labelled([
      ["id", division.id],
      ["created", division.createdAt.toISOString()],
      ["updated", division.updatedAt.toISOString()],
    ]),
    "",
    "Settings (change one with `postdesk division set --division ID --SETTING VALUE`):",
    labelled(settingOptions.map(({ setting, option }) => [option, displaySetting(setting, settings[setting])])),
  ].join("\n");
}
