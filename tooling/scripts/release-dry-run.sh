#!/usr/bin/env bash
# Release dry run, in a throwaway clone of the committed HEAD (never in the real tree):
# `changeset version` must bump every published package of the fixed @mly/* group to one new
# version and write each CHANGELOG.md (and jsr.json follows), then build and `pnpm publish -r --dry-run` must pack them all.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
pnpm() { npx -y pnpm@10.34.8 "$@"; }
tmp="$(mktemp -d "${TMPDIR:-/tmp}/mly-release-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
git clone --quiet --no-hardlinks "$root" "$tmp/repo"
cd "$tmp/repo"
pnpm install --frozen-lockfile --prefer-offline --reporter=silent
pending=$(find .changeset -name '*.md' ! -name README.md | wc -l)
echo "changesets pending: $pending"
if [ "$pending" -eq 0 ]; then echo "nothing to release (no changesets): ok"; exit 0; fi
pnpm run --silent version-packages
node - <<'JS'
const { readdirSync, readFileSync, existsSync } = require("node:fs");
const pkgs = readdirSync("packages").map((d) => ({ d, p: JSON.parse(readFileSync(`packages/${d}/package.json`, "utf8")) })).filter(({ p }) => !p.private);
const versions = new Set(pkgs.map(({ p }) => p.version));
let bad = 0;
for (const { d, p } of pkgs) {
  const log = `packages/${d}/CHANGELOG.md`;
  const ok = existsSync(log) && readFileSync(log, "utf8").includes(`## ${p.version}`);
  console.log(`${ok ? "ok  " : "FAIL"} ${p.name}@${p.version} ${ok ? "CHANGELOG.md written" : "no CHANGELOG entry"}`);
  if (!ok) bad++;
  const jsr = `packages/${d}/jsr.json`;
  if (existsSync(jsr) && JSON.parse(readFileSync(jsr, "utf8")).version !== p.version) { console.log(`FAIL ${p.name}: jsr.json not bumped`); bad++; }
}
if (versions.size !== 1) { console.log(`FAIL fixed group versions differ: ${[...versions].join(", ")}`); bad++; }
if (bad > 0) process.exit(1);
JS
[ -z "$(find .changeset -name '*.md' ! -name README.md)" ] || { echo "FAIL changesets not consumed"; exit 1; }
npx -y pnpm@10.34.8 build --output-logs=errors-only >/dev/null
pnpm publish -r --dry-run --no-git-checks --access public 2>&1 | grep -E '^(\+ |npm notice (name|version|filename|total files))|Tarball Contents|ERR' | grep -E 'name:|version:|ERR' || true
pnpm publish -r --dry-run --no-git-checks --access public >/dev/null 2>&1 || { echo "FAIL pnpm publish -r --dry-run"; exit 1; }
echo "release dry run: ok"
