import fs from "node:fs/promises";
import path from "node:path";
import { operatorScope, withTenant } from "@/db/tenant";
import { articleStateEnum } from "@/db/schema";
import { createArticle, listArticles } from "@/lib/knowledge/articles";
import { createCategory, createKnowledgeBase, getKnowledgeBase, listCategories, listKnowledgeBases } from "@/lib/knowledge/knowledge-bases";
import { locales } from "@/lib/i18n/routing";
import { type Command, CommandError } from "./command";
import { tenantBySlug, tenantOfKnowledgeBase, tenantOption } from "./lookup";
import { labelled, moment, table } from "./output";

const kbOption = { value: "ID", description: "the knowledge base's id, from `kb list`", required: true };

export const kbCreate: Command = {
  words: ["kb", "create"],
  summary: "add a knowledge base to a company",
  description:
    "A division shows one knowledge base to its customers in the public help center and suggests\n" +
    "answers from one (`division set --default-knowledge-base-id`, `--default-support-knowledge-base-id`).",
  options: {
    tenant: tenantOption,
    name: { value: "NAME", description: "its name, unique in the company", required: true },
    description: { value: "TEXT", description: "what it holds, for staff" },
  },
  async run(values, context) {
    const db = await context.database();
    const tenant = await tenantBySlug(db, values.tenant!);
    const kb = await withTenant(db, tenant.id, (tx) =>
      createKnowledgeBase(tx, operatorScope(tenant.id), { name: values.name!, description: values.description ?? "" }),
    );
    return {
      json: { id: kb.id, name: kb.name, description: kb.description, createdAt: kb.createdAt },
      human: `Created knowledge base ${kb.name} in ${tenant.name}: ${kb.id}`,
    };
  },
};

export const kbList: Command = {
  words: ["kb", "list"],
  summary: "list a company's knowledge bases",
  options: { tenant: tenantOption },
  async run(values, context) {
    const db = await context.database();
    const tenant = await tenantBySlug(db, values.tenant!);
    const kbs = await withTenant(db, tenant.id, (tx) => listKnowledgeBases(tx, operatorScope(tenant.id)));
    return {
      json: kbs.map((kb) => ({
        id: kb.id,
        name: kb.name,
        description: kb.description,
        articleCount: kb.articleCount,
        publishedCount: kb.publishedCount,
        createdAt: kb.createdAt,
      })),
      human:
        kbs.length === 0
          ? `${tenant.name} has no knowledge bases. Add one with \`postdesk kb create\`.`
          : table(
              ["ID", "ARTICLES", "PUBLISHED", "NAME"],
              kbs.map((kb) => [kb.id, String(kb.articleCount), String(kb.publishedCount), kb.name]),
            ),
    };
  },
};

export const kbArticleAdd: Command = {
  words: ["kb", "article", "add"],
  summary: "add an article, written in Markdown, to a knowledge base",
  description:
    "The article is saved as a draft unless --publish (public in the help center when a division names\n" +
    "this knowledge base as its default) or --state internal (staff and suggestions only).",
  options: {
    kb: kbOption,
    title: { value: "TEXT", description: "the article's title", required: true },
    file: { value: "PATH", description: "the body, a Markdown file (UTF-8)", required: true },
    language: { value: "LANG", description: "the language it is written in", required: true, choices: locales },
    publish: { description: "publish it at once" },
    state: { value: "STATE", description: "draft (default), internal or published", choices: articleStateEnum.enumValues },
    category: { value: "NAME", description: "its category, by name; made when the knowledge base has none of that name" },
    "translation-of": { value: "ID", description: "an article this one is another language version of" },
  },
  fieldOptions: { body: "file", locale: "language", translationOf: "translation-of" },
  async run(values, context) {
    if (values.publish !== undefined && values.state !== undefined && values.state !== "published") {
      throw new CommandError("invalid_input", "--publish and --state say different things: give one of them");
    }
    const file = path.resolve(context.callerDir, values.file!);
    const body = await fs.readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new CommandError("invalid_input", `cannot read ${file}: ${error.code ?? error.message}`);
    });
    const db = await context.database();
    const knowledgeBaseId = values.kb!;
    const tenant = await tenantOfKnowledgeBase(db, knowledgeBaseId);
    const { article, kb, categoryName } = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      const kb = await getKnowledgeBase(tx, scope, knowledgeBaseId);
      const category = values.category
        ? ((await listCategories(tx, scope, kb.id)).find((c) => c.name === values.category!.trim()) ??
          (await createCategory(tx, scope, kb.id, { name: values.category })))
        : null;
      const article = await createArticle(tx, scope, {
        knowledgeBaseId: kb.id,
        translationOf: values["translation-of"] ?? null,
        title: values.title!,
        body,
        locale: values.language as (typeof locales)[number],
        state: values.publish !== undefined ? "published" : ((values.state ?? "draft") as (typeof articleStateEnum.enumValues)[number]),
        categoryId: category?.id ?? null,
      });
      return { article, kb, categoryName: category?.name ?? null };
    });
    return {
      json: {
        id: article.id,
        knowledgeBaseId: article.knowledgeBaseId,
        translationGroupId: article.translationGroupId,
        title: article.title,
        locale: article.locale,
        state: article.state,
        slug: article.slug,
        category: categoryName,
        createdAt: article.createdAt,
      },
      human: [
        `Added article "${article.title}" to ${kb.name}: ${article.id}`,
        labelled([
          ["language", article.locale],
          ["state", article.state],
          ["category", categoryName ?? "-"],
          ["slug", article.slug],
        ]),
      ].join("\n"),
    };
  },
};

export const kbArticleList: Command = {
  words: ["kb", "article", "list"],
  summary: "list a knowledge base's articles, or those a search finds",
  options: {
    kb: kbOption,
    search: { value: "TEXT", description: "only articles with these words (with or without Polish diacritics)" },
    state: { value: "STATE", description: "only articles in this state", choices: articleStateEnum.enumValues },
    language: { value: "LANG", description: "only articles in this language", choices: locales },
  },
  async run(values, context) {
    const db = await context.database();
    const knowledgeBaseId = values.kb!;
    const tenant = await tenantOfKnowledgeBase(db, knowledgeBaseId);
    const rows = await withTenant(db, tenant.id, (tx) =>
      listArticles(tx, operatorScope(tenant.id), {
        knowledgeBaseId,
        query: values.search,
        state: values.state as (typeof articleStateEnum.enumValues)[number] | undefined,
        locale: values.language,
      }),
    );
    return {
      json: rows.map((row) => ({
        id: row.id,
        title: row.title,
        locale: row.locale,
        state: row.state,
        slug: row.slug,
        category: row.categoryName,
        author: row.authorName,
        updatedAt: row.updatedAt,
      })),
      human:
        rows.length === 0
          ? "No articles."
          : table(
              ["ID", "LANG", "STATE", "UPDATED", "TITLE"],
              rows.map((row) => [row.id, row.locale, row.state, moment(row.updatedAt), row.title]),
            ),
    };
  },
};

export const kbCommands = [kbCreate, kbList, kbArticleAdd, kbArticleList];
