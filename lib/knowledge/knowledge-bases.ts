import { and, asc, count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { violatedConstraint } from "@/db/query-error";
import { articles, type KnowledgeBase, type KnowledgeBaseCategory, knowledgeBaseCategories, knowledgeBases } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { canManageKnowledgeBases } from "@/lib/auth/roles";
import { ForbiddenError, found, RuleError } from "@/lib/errors";
import { zodFieldErrors } from "@/lib/forms";

export const knowledgeBaseFields = z.object({
  name: z.string().trim().min(1, "required").max(100, "tooLong"),
  description: z.string().trim().max(1000, "tooLong").default(""),
});
export type KnowledgeBaseInput = z.input<typeof knowledgeBaseFields>;

export const categoryFields = z.object({
  name: z.string().trim().min(1, "required").max(100, "tooLong"),
});

function validated<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new RuleError("invalidInput", zodFieldErrors(parsed.error));
  return parsed.data;
}

/** A name already taken in the company (or the knowledge base) is the field's error, not a crash. */
async function refuseTakenName<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const constraint = violatedConstraint(error);
    if (constraint === "knowledge_bases_tenant_name_key" || constraint === "knowledge_base_categories_kb_name_key") {
      throw new RuleError("invalidInput", { name: ["nameTaken"] });
    }
    throw error;
  }
}

function assertMayManage(scope: TenantScope): void {
  if (!canManageKnowledgeBases(scope.role)) throw new ForbiddenError();
}

export interface KnowledgeBaseSummary extends KnowledgeBase {
  /** Articles in every state and language. */
  articleCount: number;
  publishedCount: number;
}

/** The company's knowledge bases by name, with how many articles each holds. */
export async function listKnowledgeBases(tx: Executor, scope: TenantScope): Promise<KnowledgeBaseSummary[]> {
  const rows = await tx
    .select({
      kb: knowledgeBases,
      articleCount: count(articles.id),
      publishedCount: sql<number>`count(*) filter (where ${articles.state} = 'published')`.mapWith(Number),
    })
    .from(knowledgeBases)
    .leftJoin(articles, and(eq(articles.tenantId, knowledgeBases.tenantId), eq(articles.knowledgeBaseId, knowledgeBases.id)))
    .where(eq(knowledgeBases.tenantId, scope.tenantId))
    .groupBy(knowledgeBases.id)
    .orderBy(asc(knowledgeBases.name));
  return rows.map(({ kb, articleCount, publishedCount }) => ({ ...kb, articleCount, publishedCount }));
}

export async function getKnowledgeBase(tx: Executor, scope: TenantScope, id: string): Promise<KnowledgeBase> {
  const [kb] = await tx
    .select()
    .from(knowledgeBases)
    .where(and(eq(knowledgeBases.tenantId, scope.tenantId), eq(knowledgeBases.id, id)));
  return found(kb, "knowledgeBase");
}

export async function createKnowledgeBase(tx: Executor, scope: TenantScope, input: KnowledgeBaseInput): Promise<KnowledgeBase> {
  assertMayManage(scope);
  const values = validated(knowledgeBaseFields, input);
  const [kb] = await refuseTakenName(() =>
    tx.insert(knowledgeBases).values({ tenantId: scope.tenantId, ...values }).returning(),
  );
  if (!kb) throw new Error("Knowledge base insert returned nothing");
  await recordAudit(tx, scope, "knowledge_base.created", { type: "knowledge_base", id: kb.id }, { name: kb.name });
  return kb;
}

export async function updateKnowledgeBase(
  tx: Executor,
  scope: TenantScope,
  id: string,
  input: KnowledgeBaseInput,
): Promise<KnowledgeBase> {
  assertMayManage(scope);
  await getKnowledgeBase(tx, scope, id);
  const values = validated(knowledgeBaseFields, input);
  const [kb] = await refuseTakenName(() =>
    tx
      .update(knowledgeBases)
      .set(values)
      .where(and(eq(knowledgeBases.tenantId, scope.tenantId), eq(knowledgeBases.id, id)))
      .returning(),
  );
  await recordAudit(tx, scope, "knowledge_base.updated", { type: "knowledge_base", id }, { name: values.name });
  return found(kb, "knowledgeBase");
}

/**
 * Deletes a knowledge base with its categories, articles and images (the foreign keys cascade);
 * divisions that named it as a default name none (set null).
 */
export async function deleteKnowledgeBase(tx: Executor, scope: TenantScope, id: string): Promise<void> {
  assertMayManage(scope);
  const kb = await getKnowledgeBase(tx, scope, id);
  await tx.delete(knowledgeBases).where(and(eq(knowledgeBases.tenantId, scope.tenantId), eq(knowledgeBases.id, id)));
  await recordAudit(tx, scope, "knowledge_base.deleted", { type: "knowledge_base", id }, { name: kb.name });
}

/** A knowledge base's categories in their order. */
export function listCategories(tx: Executor, scope: TenantScope, knowledgeBaseId: string): Promise<KnowledgeBaseCategory[]> {
  return tx
    .select()
    .from(knowledgeBaseCategories)
    .where(and(eq(knowledgeBaseCategories.tenantId, scope.tenantId), eq(knowledgeBaseCategories.knowledgeBaseId, knowledgeBaseId)))
    .orderBy(asc(knowledgeBaseCategories.position), asc(knowledgeBaseCategories.name));
}

/** A new category, after the knowledge base's others. */
export async function createCategory(
  tx: Executor,
  scope: TenantScope,
  knowledgeBaseId: string,
  input: z.input<typeof categoryFields>,
): Promise<KnowledgeBaseCategory> {
  assertMayManage(scope);
  await getKnowledgeBase(tx, scope, knowledgeBaseId);
  const { name } = validated(categoryFields, input);
  const [category] = await refuseTakenName(() =>
    tx
      .insert(knowledgeBaseCategories)
      .values({
        tenantId: scope.tenantId,
        knowledgeBaseId,
        name,
        position: sql`(select coalesce(max(${knowledgeBaseCategories.position}) + 1, 0) from ${knowledgeBaseCategories} where ${knowledgeBaseCategories.tenantId} = ${scope.tenantId} and ${knowledgeBaseCategories.knowledgeBaseId} = ${knowledgeBaseId})`,
      })
      .returning(),
  );
  if (!category) throw new Error("Category insert returned nothing");
  await recordAudit(tx, scope, "knowledge_base.category_created", { type: "knowledge_base", id: knowledgeBaseId }, { name });
  return category;
}

export async function renameCategory(
  tx: Executor,
  scope: TenantScope,
  categoryId: string,
  input: z.input<typeof categoryFields>,
): Promise<KnowledgeBaseCategory> {
  assertMayManage(scope);
  const { name } = validated(categoryFields, input);
  const [category] = await refuseTakenName(() =>
    tx
      .update(knowledgeBaseCategories)
      .set({ name })
      .where(and(eq(knowledgeBaseCategories.tenantId, scope.tenantId), eq(knowledgeBaseCategories.id, categoryId)))
      .returning(),
  );
  return found(category, "category");
}

/**
 * Moves a category one place up or down among its knowledge base's (the help center shows them in
 * this order). The positions are written anew as 0, 1, 2 … so that ties left by older data go.
 */
export async function moveCategory(tx: Executor, scope: TenantScope, categoryId: string, direction: "up" | "down"): Promise<void> {
  assertMayManage(scope);
  const [category] = await tx
    .select({ knowledgeBaseId: knowledgeBaseCategories.knowledgeBaseId })
    .from(knowledgeBaseCategories)
    .where(and(eq(knowledgeBaseCategories.tenantId, scope.tenantId), eq(knowledgeBaseCategories.id, categoryId)));
  const order = (await listCategories(tx, scope, found(category, "category").knowledgeBaseId)).map((c) => c.id);
  const from = order.indexOf(categoryId);
  const to = direction === "up" ? from - 1 : from + 1;
  if (to < 0 || to >= order.length) return;
  [order[from], order[to]] = [order[to]!, order[from]!];
  for (const [position, id] of order.entries()) {
    await tx
      .update(knowledgeBaseCategories)
      .set({ position })
      .where(and(eq(knowledgeBaseCategories.tenantId, scope.tenantId), eq(knowledgeBaseCategories.id, id)));
  }
}

/** Deletes a category; its articles stay, uncategorised (set null). */
export async function deleteCategory(tx: Executor, scope: TenantScope, categoryId: string): Promise<void> {
  assertMayManage(scope);
  const [deleted] = await tx
    .delete(knowledgeBaseCategories)
    .where(and(eq(knowledgeBaseCategories.tenantId, scope.tenantId), eq(knowledgeBaseCategories.id, categoryId)))
    .returning({ knowledgeBaseId: knowledgeBaseCategories.knowledgeBaseId, name: knowledgeBaseCategories.name });
  const category = found(deleted, "category");
  await recordAudit(tx, scope, "knowledge_base.category_deleted", { type: "knowledge_base", id: category.knowledgeBaseId }, { name: category.name });
}
