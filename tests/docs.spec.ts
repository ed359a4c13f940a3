/**
 * The documentation resolves and agrees with the code: every relative link and `#anchor` in
 * README.md, docs/*.md and the example READMEs points at a file that exists and, for an anchor, at
 * a heading of that file (GitHub's heading slugs); the README's arguments table lists every
 * argument of `ClickPipesRdsIamAccessArgs`; its Node.js and peer-dependency ranges are
 * package.json's; and a link to a source file followed by a `symbol` names a symbol of that file.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");

/** A link found in a Markdown file. */
export interface MarkdownLink {
  /** 1-based line number. */
  line: number;
  target: string;
}

/** What the link checker needs of the file system, so that it can be tested on fixtures. */
export interface DocFiles {
  /** The file's text, or undefined when there is no such file. */
  read(file: string): string | undefined;
  /** Whether a file or directory exists at the path. */
  exists(file: string): boolean;
}

const diskFiles: DocFiles = {
  read: (file) => (fs.existsSync(file) && fs.statSync(file).isFile() ? fs.readFileSync(file, "utf8") : undefined),
  exists: (file) => fs.existsSync(file),
};

/** The lines of a Markdown text with fenced code blocks blanked (their `#` and links are not Markdown). */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  return text.split("\n").map((line) => {
    const open = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === undefined && open) {
      fence = open[1][0].repeat(open[1].length);
      return "";
    }
    if (fence !== undefined) {
      if (line.trim().startsWith(fence)) fence = undefined;
      return "";
    }
    return line;
  });
}

/**
 * GitHub's anchor for a heading (github-slugger): lower case, everything but letters, marks,
 * digits, connector punctuation (`_`), spaces and hyphens dropped, each space a hyphen. Link and
 * image syntax and HTML tags are reduced to their text first.
 */
export function githubSlug(heading: string): string {
  const text = heading
    // A code span's text is its content, one space of padding on each side stripped (CommonMark).
    .replace(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g, (_m, _ticks: string, code: string) => (/^ .* $/s.test(code) && code.trim() !== "" ? code.slice(1, -1) : code))
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
}

/** The anchors a Markdown text defines: each heading's slug (repeats get -1, -2, …) and explicit `<a id>`/`<a name>`. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(text)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+\s*)?$/.exec(line);
    if (heading) {
      const slug = githubSlug(heading[1]);
      const n = seen.get(slug) ?? 0;
      seen.set(slug, n + 1);
      anchors.add(n === 0 ? slug : `${slug}-${n}`);
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
  }
  return anchors;
}

/** Inline links and images `[text](target "title")` and reference definitions `[id]: target`, outside code. */
export function linksOf(text: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  proseLines(text).forEach((raw, i) => {
    // Code spans are not Markdown either: `[x](y)` inside backticks is no link.
    const line = raw.replace(/(`+)[^`]*?\1/g, (m) => " ".repeat(m.length));
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line: i + 1, target: m[1] });
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(line);
    if (definition) links.push({ line: i + 1, target: definition[1] });
  });
  return links;
}

/** Whether a link leaves the repository (a URL with a scheme, or protocol-relative). */
function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//");
}

/**
 * What is wrong with the relative links of `file`: a target that does not exist, an anchor that
 * is no heading of its Markdown file, or a link that leaves the repository by path. One message
 * per broken link, `file:line: target: reason`.
 */
export function brokenLinks(file: string, text: string, files: DocFiles = diskFiles, root: string = ROOT): string[] {
  const problems: string[] = [];
  const where = (l: MarkdownLink) => `${path.relative(root, file) || file}:${l.line}: ${l.target}`;
  for (const link of linksOf(text)) {
    if (link.target === "" || isExternal(link.target)) continue;
    const hash = link.target.indexOf("#");
    const rawPath = hash < 0 ? link.target : link.target.slice(0, hash);
    const anchor = hash < 0 ? undefined : decodeURIComponent(link.target.slice(hash + 1));
    const resolved = rawPath === "" ? file : path.resolve(path.dirname(file), decodeURIComponent(rawPath));
    if (rawPath.startsWith("/")) {
      problems.push(`${where(link)}: an absolute path; link relative to the file instead`);
      continue;
    }
    if (path.relative(root, resolved).startsWith("..")) {
      problems.push(`${where(link)}: leaves the repository`);
      continue;
    }
    if (!files.exists(resolved)) {
      problems.push(`${where(link)}: no such file or directory`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!resolved.endsWith(".md")) {
      // Line anchors of source files (#L10) are GitHub's; no other anchor exists there.
      if (!/^L\d+(-L\d+)?$/.test(anchor)) problems.push(`${where(link)}: only a Markdown file has heading anchors`);
      continue;
    }
    const target = resolved === file ? text : files.read(resolved);
    if (target === undefined || !anchorsOf(target).has(anchor)) problems.push(`${where(link)}: no heading with the anchor "#${anchor}"`);
  }
  return problems;
}

/** Links to a source file followed by a symbol, "[`components/x.ts`](../components/x.ts) `name`", whose file lacks the name. */
export function missingSymbols(file: string, text: string, files: DocFiles = diskFiles, root: string = ROOT): string[] {
  const problems: string[] = [];
  proseLines(text).forEach((line, i) => {
    for (const m of line.matchAll(/\]\(([^)#\s]+\.ts)\)\s+`([A-Za-z_$][\w$]*)`/g)) {
      const source = files.read(path.resolve(path.dirname(file), m[1]));
      if (source !== undefined && !new RegExp(`\\b${m[2].replace(/\$/g, "\\$")}\\b`).test(source)) {
        problems.push(`${path.relative(root, file)}:${i + 1}: ${m[1]} has no \`${m[2]}\``);
      }
    }
  });
  return problems;
}

/** The Markdown files whose links are checked. */
function documentationFiles(): string[] {
  const docs = fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => path.join(ROOT, "docs", f));
  const examples = fs
    .readdirSync(path.join(ROOT, "examples"))
    .map((d) => path.join(ROOT, "examples", d, "README.md"))
    .filter((f) => fs.existsSync(f));
  return [path.join(ROOT, "README.md"), ...docs.sort(), ...examples.sort()];
}

/** The property names of an exported interface, read from the TypeScript source. */
function interfaceMembers(file: string, name: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement) && statement.name.text === name) {
      return statement.members.filter(ts.isPropertySignature).map((m) => m.name.getText(source));
    }
  }
  throw new Error(`${file} declares no interface ${name}.`);
}

/** The README's section under `## title`, up to the next `## `. */
function section(text: string, title: string): string {
  const start = text.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README.md has no section "## ${title}"`);
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

describe("documentation", () => {
  describe("githubSlug", () => {
    it("lower-cases, drops punctuation and code marks, and turns each space into a hyphen", () => {
      assert.equal(githubSlug("An Aurora instance's resource ID instead of the cluster's"), "an-aurora-instances-resource-id-instead-of-the-clusters");
      assert.equal(githubSlug('`PAM authentication failed for user "clickpipes_iam_user"` (PostgreSQL)'), "pam-authentication-failed-for-user-clickpipes_iam_user-postgresql");
      assert.equal(githubSlug("What `pulumi destroy` removes"), "what-pulumi-destroy-removes");
      assert.equal(githubSlug("`failed to extract region from endpoint …`, or no CDC"), "failed-to-extract-region-from-endpoint--or-no-cdc");
      assert.equal(githubSlug("See [the guide](https://example.com) here"), "see-the-guide-here");
      assert.equal(githubSlug('`` `dbUsername` "…" already exists ``'), "dbusername--already-exists");
    });

    it("numbers repeated headings as GitHub does, and ignores headings inside code blocks", () => {
      assert.deepEqual([...anchorsOf("# A\n## A\n```sh\n# not a heading\n```\n### A\n<a id=\"custom\"></a>\n")], ["a", "a-1", "a-2", "custom"]);
    });
  });

  describe("the link checker", () => {
    const root = "/repo";
    const fixture: Record<string, string> = {
      "/repo/README.md": "# Title\n\n## Install\n",
      "/repo/docs/a.md": "# A\n\n## What `pulumi destroy` removes\n",
      "/repo/docs/b.md": [
        "# B",
        "[ok](a.md) [ok](a.md#what-pulumi-destroy-removes) [ok](../README.md#install) [ok](#b) [ok](https://example.com/x#y)",
        "[missing file](c.md) [missing anchor](a.md#what-destroy-removes) [own anchor](#nothing)",
        "[outside](../../etc/passwd) [dir](../components/) [line](../components/x.ts#L3) [bad source anchor](../components/x.ts#top)",
        "`[in code](nowhere.md)`",
        "```md",
        "[in a fence](nowhere.md)",
        "```",
        "[ref]: gone.md",
        "See [the source](../components/x.ts) `present` and [again](../components/x.ts) `absent`.",
      ].join("\n"),
      "/repo/components/x.ts": "export const present = 1;\n",
    };
    const files: DocFiles = {
      read: (f) => fixture[f],
      exists: (f) => f in fixture || f === "/repo/components" || f === "/repo/docs",
    };

    it("fails on a missing file, a missing anchor, a path out of the repository and a reference definition, and passes good links", () => {
      assert.deepEqual(brokenLinks("/repo/docs/b.md", fixture["/repo/docs/b.md"], files, root), [
        "docs/b.md:3: c.md: no such file or directory",
        'docs/b.md:3: a.md#what-destroy-removes: no heading with the anchor "#what-destroy-removes"',
        'docs/b.md:3: #nothing: no heading with the anchor "#nothing"',
        "docs/b.md:4: ../../etc/passwd: leaves the repository",
        "docs/b.md:4: ../components/x.ts#top: only a Markdown file has heading anchors",
        "docs/b.md:9: gone.md: no such file or directory",
      ]);
    });

    it("fails on a symbol the linked source file does not have", () => {
      assert.deepEqual(missingSymbols("/repo/docs/b.md", fixture["/repo/docs/b.md"], files, root), ["docs/b.md:10: ../components/x.ts has no `absent`"]);
    });

    it("finds nothing wrong in a file whose links all resolve", () => {
      assert.deepEqual(brokenLinks("/repo/docs/a.md", `${fixture["/repo/docs/a.md"]}[back](../README.md#install) [self](#a)\n`, files, root), []);
    });
  });

  describe("the repository's Markdown", () => {
    const files = documentationFiles();

    it("covers the README, every docs/ page and every example README", () => {
      const names = files.map((f) => path.relative(ROOT, f));
      for (const page of ["README.md", "docs/cdc.md", "docs/engines.md", "docs/iam-auth.md", "docs/security.md", "docs/troubleshooting.md", "docs/development.md"]) {
        assert.ok(names.includes(page), page);
      }
    });

    for (const file of files) {
      it(`${path.relative(ROOT, file)}: every relative link and anchor resolves`, () => {
        const text = fs.readFileSync(file, "utf8");
        assert.deepEqual([...brokenLinks(file, text), ...missingSymbols(file, text)], []);
      });
    }
  });

  describe("README.md", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { engines: { node: string }; peerDependencies: Record<string, string> };

    it("is a landing page of about 200 lines", () => {
      const lines = readme.split("\n").length;
      assert.ok(lines <= 215, `README.md has ${lines} lines; move details to docs/`);
    });

    it("lists every argument of ClickPipesRdsIamAccessArgs in its arguments table", () => {
      const table = section(readme, "Arguments");
      const documented = new Set([...table.matchAll(/^\| `(\w+)`(?: \/ `(\w+)`)?/gm)].flatMap((m) => [m[1], m[2]]).filter((x) => x !== undefined));
      const args = interfaceMembers(path.join(ROOT, "components", "clickPipesRdsIamAccess.ts"), "ClickPipesRdsIamAccessArgs");
      assert.deepEqual(args.filter((a) => !documented.has(a)), [], "arguments missing from the README's table");
      assert.deepEqual([...documented].filter((a) => !args.includes(a)), [], "README arguments that do not exist");
    });

    it("states package.json's Node.js range and each peer dependency's range", () => {
      const install = section(readme, "Install");
      assert.ok(install.includes(`\`${pkg.engines.node}\``), `Install does not state engines.node ${pkg.engines.node}`);
      for (const [name, range] of Object.entries(pkg.peerDependencies)) {
        assert.match(install, new RegExp(`^\\| \`${name.replace(/[/.]/g, "\\$&")}\` \\| \`${range.replace(/[.^*+?()[\]{}|\\$]/g, "\\$&")}\` \\|`, "m"), `${name} ${range}`);
      }
      const peers = [...install.matchAll(/^\| `(@pulumi\/[\w-]+)` \|/gm)].map((m) => m[1]).sort();
      assert.deepEqual(peers, Object.keys(pkg.peerDependencies).sort(), "the peer table lists exactly package.json's peer dependencies");
    });
  });
});
