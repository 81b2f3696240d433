"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { articleStateEnum } from "@/db/schema";
import { tenantAction } from "@/lib/auth/action";
import { scopeOf } from "@/lib/auth/context";
import {
  articleFields,
  createArticle,
  deleteArticle,
  restoreArticleRevision,
  setArticleState,
  updateArticle,
} from "@/lib/knowledge/articles";
import { uploadImage } from "@/lib/knowledge/images";
import { renderArticleMarkdown } from "@/lib/knowledge/markdown";
import { optionalUuid } from "@/lib/forms";

const articleText = articleFields.shape;

export const createArticleAction = tenantAction(
  { schema: z.object({ knowledgeBaseId: z.uuid(), translationOf: optionalUuid.optional(), ...articleText }) },
  async (tx, ctx, input) => {
    const article = await createArticle(tx, scopeOf(ctx), input);
    return { id: article.id };
  },
);

export const updateArticleAction = tenantAction(
  { schema: z.object({ id: z.uuid(), ...articleText }) },
  async (tx, ctx, { id, ...input }) => {
    const article = await updateArticle(tx, scopeOf(ctx), id, input);
    return { id: article.id };
  },
);

export const setArticleStateAction = tenantAction(
  { schema: z.object({ id: z.uuid(), state: z.enum(articleStateEnum.enumValues) }) },
  async (tx, ctx, { id, state }) => {
    await setArticleState(tx, scopeOf(ctx), id, state);
    refresh();
  },
);

export const restoreArticleRevisionAction = tenantAction(
  { schema: z.object({ id: z.uuid(), revisionId: z.uuid() }) },
  async (tx, ctx, { id, revisionId }) => {
    await restoreArticleRevision(tx, scopeOf(ctx), id, revisionId);
  },
);

export const deleteArticleAction = tenantAction({ schema: z.object({ id: z.uuid() }) }, async (tx, ctx, { id }) => {
  await deleteArticle(tx, scopeOf(ctx), id);
});

export const uploadImageAction = tenantAction(
  { schema: z.object({ knowledgeBaseId: z.uuid(), image: z.instanceof(File, { message: "required" }) }) },
  async (tx, ctx, { knowledgeBaseId, image }) =>
    uploadImage(tx, scopeOf(ctx), {
      knowledgeBaseId,
      filename: image.name,
      contentType: image.type,
      content: Buffer.from(await image.arrayBuffer()),
    }),
);

/** The editor's Preview tab: the body as it will be shown, made safe by the same function that saves it. */
export const previewArticleAction = tenantAction(
  { schema: z.object({ body: z.string().max(200_000) }), readOnly: true },
  async (_tx, _ctx, { body }) => ({ html: renderArticleMarkdown(body) }),
);
