"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { tenantAction } from "@/lib/auth/action";
import { scopeOf } from "@/lib/auth/context";
import {
  createCategory,
  createKnowledgeBase,
  deleteCategory,
  moveCategory,
  deleteKnowledgeBase,
  renameCategory,
  updateKnowledgeBase,
} from "@/lib/knowledge/knowledge-bases";

// Who may set up knowledge bases and categories is lib/knowledge's rule (administrators), so these
// actions take any member who may write and let it refuse.

const kbText = { name: z.string(), description: z.string().optional() };

/** No refresh: the form goes on to the new knowledge base's page (a refreshed list would unmount it first). */
export const createKnowledgeBaseAction = tenantAction({ schema: z.object(kbText) }, async (tx, ctx, input) => {
  const kb = await createKnowledgeBase(tx, scopeOf(ctx), input);
  return { id: kb.id };
});

export const updateKnowledgeBaseAction = tenantAction(
  { schema: z.object({ id: z.uuid(), ...kbText }) },
  async (tx, ctx, { id, ...input }) => {
    await updateKnowledgeBase(tx, scopeOf(ctx), id, input);
    refresh();
  },
);

export const deleteKnowledgeBaseAction = tenantAction({ schema: z.object({ id: z.uuid() }) }, async (tx, ctx, { id }) => {
  await deleteKnowledgeBase(tx, scopeOf(ctx), id);
});

export const createCategoryAction = tenantAction(
  { schema: z.object({ knowledgeBaseId: z.uuid(), name: z.string() }) },
  async (tx, ctx, { knowledgeBaseId, name }) => {
    await createCategory(tx, scopeOf(ctx), knowledgeBaseId, { name });
    refresh();
  },
);

export const renameCategoryAction = tenantAction(
  { schema: z.object({ id: z.uuid(), name: z.string() }) },
  async (tx, ctx, { id, name }) => {
    await renameCategory(tx, scopeOf(ctx), id, { name });
    refresh();
  },
);

export const deleteCategoryAction = tenantAction({ schema: z.object({ id: z.uuid() }) }, async (tx, ctx, { id }) => {
  await deleteCategory(tx, scopeOf(ctx), id);
  refresh();
});

export const moveCategoryAction = tenantAction(
  { schema: z.object({ id: z.uuid(), direction: z.enum(["up", "down"]) }) },
  async (tx, ctx, { id, direction }) => {
    await moveCategory(tx, scopeOf(ctx), id, direction);
    refresh();
  },
);
