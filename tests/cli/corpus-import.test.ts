import path from "node:path";
import { describe, expect, it } from "vitest";
import { mailsInFile } from "../../lib/inbound/mail-sources";
import { sha256 } from "../../lib/inbound/store";
import { json, postdesk } from "../setup/cli";
import { corpusMails, corpusRoot } from "../setup/corpus";
import { makeTenant, testDatabase } from "../setup/db";

/**
 * Every mail of ../shared/corpus (INDEX.tsv's mails: not notices, expectations, payloads or bare
 * bodies) goes through `postdesk import`: none crashes the run, each gets an outcome, and `report`
 * accounts for every one. Files holding the very same bytes are one mail: the import stores each
 * distinct mail once.
 */

const db = await testDatabase();

async function run(args: string[]) {
  return json(await postdesk(args));
}

describe("importing the whole corpus", () => {
  it("accounts for every mail in the report, and a second import creates nothing", async () => {
    const company = await makeTenant(db, "Corpus");
    const files = corpusMails().map((entry) => path.join(corpusRoot, entry.path));
    const distinct = new Set(files.flatMap((file) => mailsInFile(file).map((mail) => sha256(mail.raw))));

    const first = await run(["import", "--division", company.divisionId, "--json", ...files]);
    expect(first.total).toBeGreaterThanOrEqual(files.length);
    expect(first.imported).toBe(distinct.size);
    expect(first.outcomes.pending ?? 0).toBe(0);

    const report = await run(["report", "--division", company.divisionId, "--json"]);
    expect(report.inboundTotal).toBe(distinct.size);
    const byOutcome = Object.values(report.inbound as Record<string, number>).reduce((sum, n) => sum + n, 0);
    expect(byOutcome).toBe(distinct.size);
    expect(report.inbound.pending ?? 0).toBe(0);
    console.log(`corpus: ${files.length} files, ${distinct.size} distinct mails →`, JSON.stringify(report.inbound));

    const again = await run(["import", "--division", company.divisionId, "--json", ...files]);
    expect(again).toMatchObject({ imported: 0, alreadyImported: first.total });
    expect((await run(["report", "--division", company.divisionId, "--json"])).inboundTotal).toBe(distinct.size);
  }, 600_000);
});
