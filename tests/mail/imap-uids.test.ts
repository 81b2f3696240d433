import { describe, expect, it } from "vitest";
import { checkDiscovery, firstUidToFetch, uidSet, uidsToFetch } from "@/lib/mail/imap";

describe("firstUidToFetch", () => {
  it("continues after the last UID seen under the same UIDVALIDITY", () => {
    expect(firstUidToFetch({ uidValidity: 7, lastUid: 41 }, 7)).toBe(42);
  });

  it("starts from the beginning for a folder never polled or a changed UIDVALIDITY", () => {
    expect(firstUidToFetch({ uidValidity: null, lastUid: null }, 7)).toBe(1);
    expect(firstUidToFetch({ uidValidity: 6, lastUid: 41 }, 7)).toBe(1);
    expect(firstUidToFetch({ uidValidity: 7, lastUid: null }, 7)).toBe(1);
  });
});

describe("uidsToFetch", () => {
  const listed = (...uids: number[]) => uids.map((uid) => ({ uid, size: 1000 }));
  const noByteLimit = (limit: number) => ({ limit, maxBytes: Infinity });

  it("drops the highest UID that `n:*` returns even when it is below n", () => {
    expect(uidsToFetch(listed(5), 6, noByteLimit(10))).toEqual({ take: [], hasMore: false });
  });

  it("takes the lowest UIDs first, at most the limit, and says when more wait", () => {
    expect(uidsToFetch(listed(9, 3, 7, 4), 3, noByteLimit(2))).toEqual({ take: [3, 4], hasMore: true });
    expect(uidsToFetch(listed(9, 3, 7, 4), 3, noByteLimit(4))).toEqual({ take: [3, 4, 7, 9], hasMore: false });
  });

  it("stops before the byte budget is passed, but always takes one mail however big", () => {
    const found = [
      { uid: 1, size: 40 },
      { uid: 2, size: 50 },
      { uid: 3, size: 20 },
    ];
    expect(uidsToFetch(found, 1, { limit: 10, maxBytes: 100 })).toEqual({ take: [1, 2], hasMore: true });
    expect(uidsToFetch([{ uid: 1, size: 500 }, ...listed(2)], 1, { limit: 10, maxBytes: 100 })).toEqual({ take: [1], hasMore: true });
  });
});

describe("uidSet", () => {
  it("writes runs as ranges", () => {
    expect(uidSet([10, 1, 2, 3, 7, 9])).toBe("1:3,7,9:10");
    expect(uidSet([4])).toBe("4");
    expect(uidSet([2, 2, 3])).toBe("2:3");
  });
});

describe("checkDiscovery", () => {
  const folder = { exists: 3, uidNext: 4, fromUid: 1 };

  it("accepts a listing of new mail that accounts for the whole folder", () => {
    expect(checkDiscovery({ ...folder, seen: [1, 2, 3], listing: "fromUid" })).toEqual({ type: "ok" });
    expect(checkDiscovery({ exists: 3, uidNext: 4, fromUid: 4, seen: [3], listing: "fromUid" })).toEqual({ type: "ok" });
    expect(checkDiscovery({ exists: 0, uidNext: 61, fromUid: 61, seen: [], listing: "fromUid" })).toEqual({ type: "ok" });
  });

  it("lists the whole folder when a folder with mail answers `n:*` with nothing", () => {
    expect(checkDiscovery({ exists: 60, uidNext: 61, fromUid: 1, seen: [], listing: "fromUid" })).toEqual({ type: "listAll" });
  });

  it("lists the whole folder when more messages exist than UIDs below the last seen and new ones found", () => {
    // UIDs 1 to 5 hold at most 5 messages: with 8 in the folder, at least 3 are new, and only 1 was found.
    expect(checkDiscovery({ exists: 8, uidNext: null, fromUid: 6, seen: [9], listing: "fromUid" })).toEqual({ type: "listAll" });
  });

  it("lists the whole folder when the newest UID given out is missing", () => {
    expect(checkDiscovery({ exists: 2, uidNext: 10, fromUid: 5, seen: [6], listing: "fromUid" })).toEqual({ type: "listAll" });
  });

  it("calls mail hidden when even the whole folder's listing is short of its message count", () => {
    expect(checkDiscovery({ ...folder, seen: [1], listing: "all" })).toEqual({ type: "hidden", exists: 3, listed: 1 });
    expect(checkDiscovery({ exists: 2, uidNext: 10, fromUid: 5, seen: [1, 6], listing: "all" })).toEqual({ type: "ok" });
  });
});
