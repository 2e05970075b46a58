// Validates rendered Kubernetes manifests against the API schemas carried by the npm package
// kubernetes-models (required fields, types, formats; it does not flag unknown fields).
//
//   node deploy/helm/validate-manifests.mjs rendered.yaml [more.yaml ...]
//
// For each document: find the model class for its apiVersion/kind, instantiate it, call
// .validate(). An unknown apiVersion/kind is an error. Exit code 1 on any problem.
// The packages are looked up in $AGORA_TOOLS/node_modules (default: <repo>/.local/tools).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const toolsDir = process.env.AGORA_TOOLS ?? path.join(repoRoot, ".local/tools");
const require = createRequire(path.join(toolsDir, "package.json"));
const YAML = require("yaml");

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: validate-manifests.mjs <rendered.yaml> ...");
  process.exit(2);
}

// "apps/v1" -> "kubernetes-models/apps/v1/Deployment"; core "v1" -> "kubernetes-models/v1/Service"
function modelFor(apiVersion, kind) {
  const modulePath = `kubernetes-models/${apiVersion}/${kind}`;
  try {
    const mod = require(modulePath);
    return mod[kind] ?? null;
  } catch {
    return null;
  }
}

let problems = 0;
let checked = 0;
for (const file of files) {
  const docs = YAML.parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) console.error(`  FAIL ${file}: YAML error: ${e.message}`);
      problems++;
      continue;
    }
    const obj = doc.toJS();
    if (obj == null) continue; // empty document
    const where = `${file}: ${obj.kind ?? "?"}/${obj.metadata?.name ?? "?"}`;
    if (!obj.apiVersion || !obj.kind) {
      console.error(`  FAIL ${where}: no apiVersion or kind`);
      problems++;
      continue;
    }
    const Model = modelFor(obj.apiVersion, obj.kind);
    if (!Model) {
      console.error(`  FAIL ${where}: unknown kind ${obj.apiVersion}/${obj.kind} (no schema in kubernetes-models)`);
      problems++;
      continue;
    }
    try {
      new Model(obj).validate();
      checked++;
    } catch (err) {
      console.error(`  FAIL ${where}: ${err.message}`);
      for (const detail of err.errors ?? []) {
        console.error(`       ${detail.instancePath ?? detail.dataPath ?? ""} ${detail.message}`);
      }
      problems++;
    }
  }
}

if (problems > 0) {
  console.error(`${problems} manifest problem(s); ${checked} manifest(s) valid`);
  process.exit(1);
}
console.log(`    ${checked} manifests valid against the Kubernetes API schemas`);
