import crypto from "node:crypto";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../db/client";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * One Postgres database per test run, migrated once, dropped at the end. The server is
 * TEST_DATABASE_URL (default: the local one, user postgres).
 */
export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `postdesk_test_${Date.now()}_${crypto.randomBytes(3).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } catch (error) {
    await admin.end();
    throw new Error(
      `Cannot create a test database on ${serverUrl}: ${(error as Error).message}. ` +
        "Start PostgreSQL (pg_ctlcluster 15 main start) or point TEST_DATABASE_URL at a server " +
        "where this user may create databases.",
    );
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const handle = await openDatabase(databaseUrl);
  await handle.close();
  project.provide("databaseUrl", databaseUrl);

  return async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  };
}
