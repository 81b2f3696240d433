import { describe, expect, it } from "vitest";
import { firstUidToFetch, uidSet, uidsToFetch } from "@/lib/mail/imap";

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
  it("drops the highest UID that `n:*` returns even when it is below n", () => {
    expect(uidsToFetch([5], 6, 10)).toEqual({ take: [], hasMore: false });
  });

  it("takes the lowest UIDs first, at most the limit, and says when more wait", () => {
    expect(uidsToFetch([9, 3, 7, 4], 3, 2)).toEqual({ take: [3, 4], hasMore: true });
    expect(uidsToFetch([9, 3, 7, 4], 3, 4)).toEqual({ take: [3, 4, 7, 9], hasMore: false });
  });
});

describe("uidSet", () => {
  it("writes runs as ranges", () => {
    expect(uidSet([10, 1, 2, 3, 7, 9])).toBe("1:3,7,9:10");
    expect(uidSet([4])).toBe("4");
    expect(uidSet([2, 2, 3])).toBe("2:3");
  });
});
