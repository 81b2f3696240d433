import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { json, postdesk } from "../setup/cli";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

function markdownFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "postdesk-kb-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe("postdesk kb", () => {
  it("creates a knowledge base, adds Markdown articles in Polish and English, and lists and searches them", async () => {
    const company = await makeTenant(db, "Cli Wiedza");
    const slug = company.tenant.slug;
    const kb = json(await postdesk(["kb", "create", "--tenant", slug, "--name", "Pomoc", "--json"]));
    expect(kb).toMatchObject({ name: "Pomoc" });

    const file = markdownFile("korekta.md", "# Korekta faktury\n\nWyślij **numer faktury** i poprawny NIP.\n");
    const pl = json(
      await postdesk([
        "kb", "article", "add", "--kb", String(kb.id), "--title", "Korekta faktury", "--file", file,
        "--language", "pl", "--publish", "--category", "Faktury", "--json",
      ]),
    );
    expect(pl).toMatchObject({ title: "Korekta faktury", locale: "pl", state: "published", slug: "korekta-faktury", category: "Faktury" });
    const en = json(
      await postdesk([
        "kb", "article", "add", "--kb", String(kb.id), "--title", "Correcting an invoice",
        "--file", markdownFile("correct.md", "Send us the invoice number."), "--language", "en",
        "--translation-of", String(pl.id), "--json",
      ]),
    );
    expect(en).toMatchObject({ state: "draft", translationGroupId: pl.id, category: null });

    const listed = json<Record<string, unknown>[]>(await postdesk(["kb", "list", "--tenant", slug, "--json"]));
    expect(listed).toEqual([expect.objectContaining({ id: kb.id, articleCount: 2, publishedCount: 1 })]);
    const human = await postdesk(["kb", "list", "--tenant", slug]);
    expect(human.stdout).toMatch(new RegExp(`^${kb.id} +2 +1 +Pomoc$`, "m"));

    const found = json<Record<string, unknown>[]>(await postdesk(["kb", "article", "list", "--kb", String(kb.id), "--search", "faktur", "--json"]));
    expect(found.map((a) => a.title)).toEqual(["Korekta faktury"]);
  });

  it("says what is wrong: a missing file, a second version in one language, an unknown knowledge base", async () => {
    const company = await makeTenant(db, "Cli Wiedza Bledy");
    const kb = json(await postdesk(["kb", "create", "--tenant", company.tenant.slug, "--name", "Pomoc", "--json"]));
    const missing = await postdesk(["kb", "article", "add", "--kb", String(kb.id), "--title", "X", "--file", "/nonexistent/x.md", "--language", "pl"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("cannot read /nonexistent/x.md: ENOENT");

    const file = markdownFile("a.md", "Tekst");
    const first = json(await postdesk(["kb", "article", "add", "--kb", String(kb.id), "--title", "A", "--file", file, "--language", "pl", "--json"]));
    const second = await postdesk([
      "kb", "article", "add", "--kb", String(kb.id), "--title", "B", "--file", file, "--language", "pl", "--translation-of", String(first.id),
    ]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/--language/);

    const unknown = await postdesk(["kb", "article", "list", "--kb", "7f1d8c52-1f0a-4a8e-9d7e-2f7c1f0b6a11"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("knowledge base not found");
  });
});
