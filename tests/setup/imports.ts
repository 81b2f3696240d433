import fs from "node:fs";
import path from "node:path";

/**
 * The import graph of the repository, read from the source text, and the rules that keep lib/ one
 * way round (README, "Where things live"). TypeScript 7 offers no compiler API to ask, and the
 * project's imports are plain enough to read: static `import … from`, `export … from`, side-effect
 * `import "…"` and `import("…")`, with `@/` for the repository root. Type-only imports count too: a
 * type that reaches up is a dependency that reaches up.
 */

export interface Import {
  /** Repository-relative path of the importing file. */
  from: string;
  /** Repository-relative path of the imported file (or of the module path when no file matches). */
  to: string;
  specifier: string;
}

const SOURCE = /\.(ts|tsx|mts|mjs)$/;
const SKIP = new Set(["node_modules", ".next", ".data", "test-results", ".git"]);
const IMPORT = /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm;

export function sourceFiles(root: string, dirs: string[]): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) return SKIP.has(entry.name) ? [] : walk(rel);
      return SOURCE.test(entry.name) ? [rel] : [];
    });
  return dirs.filter((dir) => fs.existsSync(path.join(root, dir))).flatMap(walk);
}

/** The specifiers one source text imports, in order. */
export function specifiersIn(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((match) => (match[1] ?? match[2] ?? match[3])!);
}

/** The repository file a specifier names, or null for a package. */
export function resolveSpecifier(root: string, from: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith("@/")) base = specifier.slice(2);
  else if (specifier.startsWith(".")) base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  else return null;
  const candidates = [base, ...[".ts", ".tsx", ".mts", ".mjs", ".js", ".json"].map((ext) => base + ext), `${base}/index.ts`];
  return candidates.find((file) => fs.existsSync(path.join(root, file)) && fs.statSync(path.join(root, file)).isFile()) ?? base;
}

export function importsOf(root: string, files: string[]): Import[] {
  return files.flatMap((from) =>
    specifiersIn(fs.readFileSync(path.join(root, from), "utf8")).flatMap((specifier) => {
      const to = resolveSpecifier(root, from, specifier);
      return to === null ? [] : [{ from, to, specifier }];
    }),
  );
}

/**
 * The unit a file belongs to for the layering: `lib/<folder>` for lib's folders (a file directly in
 * lib/ is a unit of its own, `lib/errors`), else its top folder (`app`, `db`, `jobs`, `tests`, …).
 */
export function unitOf(file: string): string {
  const parts = file.split("/");
  if (parts[0] !== "lib") return parts.length > 1 ? parts[0]! : file;
  return `lib/${parts.length > 2 ? parts[1] : parts[1]!.replace(/\.[a-z]+$/, "")}`;
}

/** lib/'s layers, top first: a unit may import its own layer or one below, never one above. */
export type Layers = readonly (readonly string[])[];

export interface Rules {
  layers: Layers;
  /** The edges of lib/ (like app/ and jobs/): nothing in lib/ imports them. */
  libEdges: readonly string[];
  /** Units that may import nothing of lib/ but the units listed (pure, low-level code). */
  libOnly: Readonly<Record<string, readonly string[]>>;
}

/** Every broken rule, one line each, naming the importing file, so a failure says what to change. */
export function layeringProblems(imports: Import[], rules: Rules): string[] {
  const layerOf = new Map(rules.layers.flatMap((units, index) => units.map((unit) => [unit, index] as const)));
  const problems = new Set<string>();
  const libUnits = new Set<string>();
  for (const { from, to, specifier } of imports) {
    const a = unitOf(from);
    const b = unitOf(to);
    const where = `${from} imports ${specifier}`;
    if (a.startsWith("lib/")) libUnits.add(a);
    if (b.startsWith("lib/")) libUnits.add(b);
    if (a === b) continue;
    if (b === "tests" && a !== "tests") problems.add(`${where}: only tests/ may import tests/`);
    if (a === "db" && (b.startsWith("lib/") || ["app", "jobs"].includes(b))) problems.add(`${where}: db/ imports nothing of lib/, app/ or jobs/`);
    if ((a.startsWith("lib/") || a === "jobs") && b === "app") problems.add(`${where}: lib/ and jobs/ never import app/`);
    if (!a.startsWith("lib/") || !b.startsWith("lib/")) continue;
    if (rules.libEdges.includes(b) && !rules.libEdges.includes(a)) problems.add(`${where}: ${b} is an edge; lib/ does not import it`);
    const allowed = rules.libOnly[a];
    if (allowed && !allowed.includes(b)) problems.add(`${where}: ${a} may import only ${allowed.join(", ") || "nothing"} of lib/`);
    const la = layerOf.get(a);
    const lb = layerOf.get(b);
    if (la !== undefined && lb !== undefined && lb < la) problems.add(`${where}: ${b} is in a higher layer than ${a}`);
  }
  for (const unit of [...libUnits].sort()) {
    if (!rules.libEdges.includes(unit) && !layerOf.has(unit)) problems.add(`${unit} is in no layer: place it in the layers of tests/unit/layers.test.ts and the README`);
  }
  for (const cycle of cycles(imports.map(({ from, to }) => [unitOf(from), unitOf(to)] as const).filter(([a, b]) => a.startsWith("lib/") && b.startsWith("lib/")))) {
    problems.add(`import loop between lib/ folders: ${cycle.join(" → ")}`);
  }
  return [...problems];
}

/** Import loops between files of lib/ and db/: each shown once, as a path back to its start. */
export function fileCycles(imports: Import[]): string[][] {
  return cycles(imports.filter(({ from, to }) => /^(lib|db)\//.test(from) && /^(lib|db)\//.test(to)).map(({ from, to }) => [from, to] as const));
}

/** One loop per strongly connected part of a directed graph (Tarjan), as a path back to its start. */
export function cycles(edges: readonly (readonly [string, string])[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const [a, b] of edges) if (a !== b) next.set(a, (next.get(a) ?? new Set()).add(b));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const part: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      part.push(member);
    } while (member !== node);
    if (part.length > 1) found.push(loopWithin(new Set(part), next, node));
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

/** A shortest path from `start` back to itself inside one strongly connected part. */
function loopWithin(part: Set<string>, next: Map<string, Set<string>>, start: string): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const to of [...(next.get(node) ?? [])].sort()) {
      if (!part.has(to)) continue;
      if (to === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start];
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start];
}
