"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { locales } from "@/lib/i18n/routing";
import { scopeOf } from "@/lib/auth/context";
import { defaultTemplates } from "@/lib/templates/defaults";
import {
  createTemplate,
  deleteTemplate,
  templateKinds,
  templateTextFields,
  updateTemplate,
} from "@/lib/templates/templates";

/** Templates are mail settings: administrators (owner or admin) only. */
const roles = ["owner", "admin"] as const;

/** A new template of a kind and language, starting from the built-in text; the editor opens next. */
export const createTemplateAction = tenantAction(
  {
    schema: z.object({
      divisionId: z.uuid(),
      kind: z.enum(templateKinds, "invalidChoice"),
      locale: z.enum(locales, "invalidChoice"),
    }),
    roles,
  },
  async (tx, ctx, { divisionId, kind, locale }) => {
    const template = await createTemplate(tx, scopeOf(ctx), divisionId, {
      kind,
      locale,
      ...defaultTemplates[locale][kind],
    });
    return { id: template.id };
  },
);

/** The placeholders are checked by updateTemplate: they depend on the stored template's kind. */
export const updateTemplateAction = tenantAction(
  { schema: templateTextFields.extend({ templateId: z.uuid() }), roles },
  async (tx, ctx, { templateId, ...text }) => {
    const template = await updateTemplate(tx, scopeOf(ctx), templateId, text);
    refresh();
    return { name: template.name, subject: template.subject, body: template.body };
  },
);

export const deleteTemplateAction = tenantAction(
  { schema: z.object({ templateId: z.uuid() }), roles },
  async (tx, ctx, { templateId }) => {
    await deleteTemplate(tx, scopeOf(ctx), templateId);
  },
);
