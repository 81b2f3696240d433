import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { describeFailure } from "../../db/query-error";
import { testDatabase } from "../setup/db";

const db = await testDatabase();

describe("describeFailure: what a failed statement leaves for people to read", () => {
  it("keeps the SQLSTATE and the server's message, never the statement or its values", async () => {
    const failure = await db
      .execute(sql`select 1 / (${0}::int) as x where ${"Dear support, my password is hunter2"} <> ''`)
      .catch((error: unknown) => error);
    const described = describeFailure(failure);
    expect(described).toBe("database error 22012: division by zero");
    expect(String((failure as Error).message)).toContain("hunter2");
  });

  it("says what any other error is, by its name and message", () => {
    expect(describeFailure(new TypeError("x is not a function"))).toBe("TypeError: x is not a function");
    expect(describeFailure("thrown text")).toBe("thrown text");
  });
});
