"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { scopeOf } from "@/lib/auth/context";
import { contactFields, updateContact } from "@/lib/contacts/contacts";

/** Every member works with customers: any of them may keep a contact's details and notes. */
export const updateContactAction = tenantAction(
  { schema: contactFields.extend({ contactId: z.uuid() }) },
  async (tx, ctx, { contactId, ...fields }) => {
    const contact = await updateContact(tx, scopeOf(ctx), contactId, fields);
    refresh();
    return { name: contact.name, organization: contact.organization, notes: contact.notes };
  },
);
