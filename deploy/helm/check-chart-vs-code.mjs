// "The chart agrees with the code": reads the C# projects and the rendered chart and fails when
// they disagree.
//
//   node deploy/helm/check-chart-vs-code.mjs --rendered .local/helm-render/default.yaml [--code <repo root>]
//
// For every project (registry, workshops, charter, notifications, gateway):
//   1. ports     Agora:RestPort / Agora:GrpcPort in appsettings.json
//                = containerPort (http/grpc) = Service port = env Agora__RestPort / Agora__GrpcPort,
//                and the chart binds Agora__ListenAddress=0.0.0.0
//   2. config    every GetConnectionString("x") the code calls is set by the chart
//                (ConnectionStrings__x); every Configuration["k"], GetValue<T>("k"),
//                GetSection("k"), BindConfiguration("k") key is set by the chart or has a value in
//                appsettings.json (reads with a default are only noted, unless the default is a
//                loopback address: that is wrong in a pod, so the chart must set the key)
//   2b. chart env (new): every chart variable named Agora__* or <Service>__* (Registry__,
//                Workshops__, Charter__, Notifications__, Gateway__, Messaging__) corresponds to a key
//                the code or an appsettings*.json knows: a string literal "A:B:C" in the sources (a
//                read or a const key name), a leaf of appsettings*.json, a property of an options
//                class bound with Configure<T>(GetSection("S")) / GetSection("S").Get<T>(), anything
//                under a section the code walks (GetSection("S").GetChildren()), or a key with an
//                interpolated part ($"S:{id}:Secret"). A variable nothing reads is a silent no-op
//                (Agora__Smtp__Host while the code reads Notifications:Smtp:Host).
//   2c. loopback (new): a key whose appsettings.json value, or whose default in the code (also
//                through a const key name and `is { Length: > 0 } x ? x : "..."`), is a loopback
//                address (127.0.0.1, localhost, [::1]) must be set by the chart
//   3. probes    /health/live and /health/ready appear in the code and are the chart's probe paths
//   4. migrate   the code handles --migrate where the chart runs a migration Job
//   5. gateway   each YARP cluster in gateway/Agora.Gateway/appsettings.json has its destination
//                address set by the chart (ReverseProxy__Clusters__<c>__Destinations__<d>__Address)
//                pointing at the right Service and port; each route points at a known cluster;
//                every service has a REST and a gRPC route; gRPC clusters ask for HTTP/2
// A project directory that does not exist yet is reported as "skipped" (not a failure).
// Source files are read from the project and the projects it references (csproj ProjectReference).
import { createRequire } from "node:module";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(path.join(process.env.AGORA_TOOLS ?? path.join(repoRoot, ".local/tools"), "package.json"));
const YAML = require("yaml");

// ---- arguments ------------------------------------------------------------------------------
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const codeRoot = path.resolve(args.code ?? process.env.AGORA_CODE_ROOT ?? repoRoot);
if (!args.rendered) {
  console.error("usage: check-chart-vs-code.mjs --rendered <helm template output> [--code <repo root>]");
  process.exit(2);
}

const PROJECTS = [
  { component: "registry", dir: "services/Registry/Agora.Registry", kind: "service" },
  { component: "workshops", dir: "services/Workshops/Agora.Workshops", kind: "service" },
  { component: "charter", dir: "services/Charter/Agora.Charter", kind: "service" },
  { component: "notifications", dir: "services/Notifications/Agora.Notifications", kind: "service" },
  { component: "gateway", dir: "gateway/Agora.Gateway", kind: "gateway" },
];
const PROBE_PATHS = ["/health/live", "/health/ready"];
// Keys the runtime or a library reads with sensible behaviour when absent.
const OPTIONAL_KEY = /^(OTEL_|ASPNETCORE_|DOTNET_|Logging|AllowedHosts|Kestrel|urls$|environment$|applicationName$|contentRoot$)/i;

const LOOPBACK = /\b(127\.0\.0\.1|localhost|\[::1\])\b/i;

// ---- reporting ------------------------------------------------------------------------------
let failures = 0;
const ok = (msg) => console.log(`    ok    ${msg}`);
const note = (msg) => console.log(`    note  ${msg}`);
const fail = (msg) => { failures++; console.log(`    FAIL  ${msg}`); };
const skip = (msg) => console.log(`    skipped: ${msg}`);

// ---- the rendered chart ---------------------------------------------------------------------
const docs = YAML.parseAllDocuments(readFileSync(args.rendered, "utf8")).map((d) => d.toJS()).filter(Boolean);
const byKind = (kind) => docs.filter((d) => d.kind === kind);
const componentOf = (d) => d.metadata?.labels?.["app.kubernetes.io/component"];
const configMaps = new Map(byKind("ConfigMap").map((c) => [c.metadata.name, c.data ?? {}]));

function chartComponent(component) {
  const deployment = byKind("Deployment").find((d) => componentOf(d) === component);
  const service = byKind("Service").find((s) => componentOf(s) === component);
  if (!deployment) return null;
  const container = deployment.spec.template.spec.containers[0];
  // Environment as the container sees it: envFrom ConfigMaps first, then env entries.
  const env = new Map();
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) for (const [k, v] of Object.entries(configMaps.get(from.configMapRef.name) ?? {})) env.set(k, String(v));
  }
  for (const e of container.env ?? []) {
    env.set(e.name, e.value ?? (e.valueFrom?.secretKeyRef ? `<secret ${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}>` : "<from field>"));
  }
  const containerPort = (name) => container.ports?.find((p) => p.name === name)?.containerPort;
  const servicePort = (name) => service?.spec.ports.find((p) => p.name === name)?.port;
  const migrationJob = byKind("Job").find((j) => j.metadata.labels?.["agora.io/service"] === component);
  return { deployment, service, container, env, containerPort, servicePort, migrationJob };
}

// ---- reading the code -----------------------------------------------------------------------
// appsettings.json may carry comments and trailing commas (the .NET JSON config provider allows them).
function readJsonc(file) {
  const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  let out = "", inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i], n = text[i + 1];
    if (inString) { out += c; if (c === "\\") { out += n; i++; } else if (c === '"') inString = false; continue; }
    if (c === '"') { inString = true; out += c; continue; }
    if (c === "/" && n === "/") { while (i < text.length && text[i] !== "\n") i++; out += "\n"; continue; }
    if (c === "/" && n === "*") { i = text.indexOf("*/", i + 2) + 1; continue; }
    out += c;
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, "$1"));
}

// Configuration keys are case-insensitive; ":" separates sections.
function lookup(obj, key) {
  let cur = obj;
  for (const part of key.split(":")) {
    if (cur == null || typeof cur !== "object") return undefined;
    const k = Object.keys(cur).find((x) => x.toLowerCase() === part.toLowerCase());
    if (k === undefined) return undefined;
    cur = cur[k];
  }
  return cur;
}

function sourceFiles(projectDir, seen = new Set()) {
  if (seen.has(projectDir) || !existsSync(projectDir)) return [];
  seen.add(projectDir);
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      if (["bin", "obj", "node_modules", "Migrations"].includes(entry)) continue;
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith(".cs")) files.push(full);
    }
  };
  walk(projectDir);
  // Follow <ProjectReference Include="..\..\Agora.ServiceDefaults\Agora.ServiceDefaults.csproj" />
  for (const csproj of readdirSync(projectDir).filter((f) => f.endsWith(".csproj"))) {
    const xml = readFileSync(path.join(projectDir, csproj), "utf8");
    for (const m of xml.matchAll(/<ProjectReference\s+Include="([^"]+)"/g)) {
      const ref = path.resolve(projectDir, m[1].replaceAll("\\", "/"));
      files.push(...sourceFiles(path.dirname(ref), seen));
    }
  }
  return files;
}

// Configuration reads in C#: what key, how (connection string, section, value), and whether the
// code copes without it (a default, a null check, a nullable type, an options section).
// Interpolated strings ($"...") are ignored; reads relative to a sub-section (cluster["Address"])
// are not keys of their own.
const CONFIG_RECEIVER = /config/i;
function configReads(file) {
  const text = readFileSync(file, "utf8");
  const reads = [];
  const add = (how, key, optional, fallback) => reads.push({ how, key, optional, file, fallback: fallback?.slice(1, -1) });
  const receiver = (index) => /(\w+)\s*\.\s*$/.exec(text.slice(Math.max(0, index - 80), index))?.[1] ?? "";
  for (const m of text.matchAll(/GetConnectionString\(\s*"([^"]+)"\s*\)/g)) add("connection string", m[1], false);
  // GetSection("X") binds options or walks a tree: a missing section is an empty one (a note).
  for (const m of text.matchAll(/(?:GetSection|BindConfiguration)\(\s*"([^"]+)"/g))
    if (m[0].startsWith("BindConfiguration") || CONFIG_RECEIVER.test(receiver(m.index))) add("section", m[1], true);
  for (const m of text.matchAll(/GetRequiredSection\(\s*"([^"]+)"/g)) if (CONFIG_RECEIVER.test(receiver(m.index))) add("section", m[1], false);
  for (const m of text.matchAll(/GetValue<([^>]+)>\(\s*"([^"]+)"\s*(,\s*("[^"]*")?)?/g))
    add("value", m[2], Boolean(m[3]) || m[1].trim().endsWith("?"), m[4]);
  for (const m of text.matchAll(/[Cc]onfig\w*\s*\[\s*"([^"]+)"\s*\](\s*\?\?\s*("[^"]*")?|\s*is\s+(?:not\s+)?null|\s*is\s*\{|\s*[!=]=\s*null|\s*\)\s*\)|\s*\?\.)?/g))
    add("value", m[1], Boolean(m[2]), m[3]);
  return reads;
}

// A connection string read through a helper, e.g.
//   static ... AddServiceDatabase<T>(this IHostApplicationBuilder b, string connectionName)
//     { ... GetConnectionString(connectionName) ... }      called as  AddServiceDatabase<X>("registrydb")
// yields the names at the call sites of that helper within `files`.
function connectionStringsViaHelpers(allFiles, callerFiles) {
  const helpers = new Set();
  for (const file of allFiles) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/GetConnectionString\(\s*([A-Za-z_]\w*)\s*\)/g)) {
      const before = text.slice(0, m.index);
      const sig = [...before.matchAll(new RegExp(`(\\w+)\\s*(?:<[^>()]*>)?\\s*\\(([^)]*\\bstring\\??\\s+${m[1]}\\b[^)]*)\\)`, "g"))].pop();
      if (sig) helpers.add(sig[1]);
    }
  }
  const reads = [];
  for (const file of callerFiles) {
    const text = readFileSync(file, "utf8");
    for (const name of helpers)
      for (const m of text.matchAll(new RegExp(`\\b${name}\\s*(?:<[^>()]*>)?\\s*\\(\\s*"([^"]+)"`, "g")))
        reads.push({ how: "connection string", key: m[1], optional: false, file, via: name });
  }
  return reads;
}

// ---- the checks -----------------------------------------------------------------------------
function checkPorts(p, settings, chart) {
  const restPort = lookup(settings, "Agora:RestPort");
  const grpcPort = lookup(settings, "Agora:GrpcPort");
  for (const [label, portName, value, envName] of [
    ["REST", "http", restPort, "Agora__RestPort"], ["gRPC", "grpc", grpcPort, "Agora__GrpcPort"]]) {
    if (value === undefined) { fail(`appsettings.json has no Agora:${label === "REST" ? "RestPort" : "GrpcPort"}`); continue; }
    const expected = Number(value);
    const seen = { containerPort: chart.containerPort(portName), "Service port": chart.servicePort(portName), [envName]: Number(chart.env.get(envName)) };
    const wrong = Object.entries(seen).filter(([, v]) => v !== expected);
    if (wrong.length === 0) ok(`${label} port ${expected} (appsettings.json) = containerPort = Service port = ${envName}`);
    else fail(`${label} port is ${expected} in appsettings.json but ${wrong.map(([k, v]) => `${k}=${v}`).join(", ")} in the chart`);
  }
  const listen = chart.env.get("Agora__ListenAddress");
  if (listen === "0.0.0.0") ok("Agora__ListenAddress=0.0.0.0 (code default binds loopback)");
  else fail(`chart sets Agora__ListenAddress=${listen ?? "(nothing)"}; pods must listen on 0.0.0.0`);
}

function providedByChart(env, key) {
  const name = key.replaceAll(":", "__").toLowerCase();
  return [...env.keys()].some((k) => k.toLowerCase() === name || k.toLowerCase().startsWith(name + "__"));
}

function checkConfig(p, settings, files, chart) {
  const reads = [...files.flatMap(configReads), ...connectionStringsViaHelpers(files, files)];
  const sections = [...new Set(reads.filter((r) => r.how === "section").map((r) => r.key))];
  const seen = new Set();
  let checked = 0;
  for (const r of reads) {
    const id = `${r.how}:${r.key.toLowerCase()}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const where = path.relative(codeRoot, r.file);
    if (r.how === "connection string") {
      if (providedByChart(chart.env, `ConnectionStrings:${r.key}`)) { ok(`connection string "${r.key}"${r.via ? ` (via ${r.via})` : ""} set by the chart (ConnectionStrings__${r.key})`); checked++; }
      else fail(`${where} reads connection string "${r.key}"${r.via ? ` (via ${r.via})` : ""} but the chart does not set ConnectionStrings__${r.key}`);
      continue;
    }
    // A key read inside a section (GetSection("Agora").GetValue<int>("RestPort")) counts as found
    // when <section>:<key> is found.
    const candidates = [r.key, ...sections.map((s) => `${s}:${r.key}`)];
    const inChart = candidates.some((k) => providedByChart(chart.env, k));
    const inSettings = candidates.some((k) => lookup(settings, k) !== undefined);
    if (inChart || inSettings) { checked++; continue; }
    // A default that points at the developer's machine is wrong in a pod: the chart must set it.
    if (r.fallback !== undefined && LOOPBACK.test(r.fallback))
      fail(`${where} reads "${r.key}" with the loopback default "${r.fallback}"; the chart must set ${r.key.replaceAll(":", "__")}`);
    else if (r.optional || OPTIONAL_KEY.test(r.key)) note(`${where} reads ${r.how} "${r.key}" (optional); neither the chart nor appsettings.json sets it`);
    else fail(`${where} reads ${r.how} "${r.key}" but neither the chart (${r.key.replaceAll(":", "__")}) nor appsettings.json provides it`);
  }
  ok(`${checked} configuration read(s) in ${files.length} source file(s) are provided by the chart or appsettings.json`);
}

// ---- 2b / 2c: chart variables nothing reads; loopback values the chart does not override --------
const ENV_PREFIXES = ["Agora", "Messaging", ...PROJECTS.map((p) => p.component[0].toUpperCase() + p.component.slice(1))];
const ENV_CHECKED = new RegExp(`^(${ENV_PREFIXES.join("|")})__`, "i");
const norm = (key) => key.toLowerCase().split(":").map((s) => (/^\d+$/.test(s) ? "#" : s)).join(":");

function leaves(obj, prefix = "", out = new Map()) {
  if (obj !== null && typeof obj === "object") {
    for (const [k, v] of Object.entries(obj)) leaves(v, prefix ? `${prefix}:${k}` : k, out);
  } else if (prefix) out.set(prefix, obj);
  return out;
}

function knownKeys(dir, files) {
  const exact = new Set(), prefixes = new Set(), patterns = [];
  for (const f of readdirSync(dir).filter((f) => /^appsettings(\..+)?\.json$/i.test(f))) {
    try { for (const k of leaves(readJsonc(path.join(dir, f))).keys()) exact.add(norm(k)); } catch { /* reported elsewhere */ }
  }
  const texts = files.map((f) => readFileSync(f, "utf8"));
  const all = texts.join("\n");
  // class/record name -> public settable properties
  const props = (type) => {
    const m = new RegExp(`\\b(?:class|record)\\s+${type}\\b[^{]*\\{`).exec(all);
    if (!m) return null;
    let depth = 1, i = m.index + m[0].length;
    const start = i;
    while (i < all.length && depth > 0) { if (all[i] === "{") depth++; else if (all[i] === "}") depth--; i++; }
    return [...all.slice(start, i).matchAll(/public\s+[\w<>?,\[\]. ]+?\s+(\w+)\s*\{\s*get;\s*(?:set|init);/g)].map((x) => x[1]);
  };
  for (const text of texts) {
    for (const m of text.matchAll(/(\$?)"([A-Za-z][\w.-]*(?::(?:[\w.-]+|\{[^}]+\}))+)"/g)) {
      if (!m[1]) { exact.add(norm(m[2])); continue; }
      const re = m[2].split(/\{[^}]+\}/).map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[^:]+");
      patterns.push(new RegExp(`^${re}(:.*)?$`, "i")); // an interpolated section: anything under it
    }
    for (const m of text.matchAll(/Configure<(\w+)>\(\s*[\w.]*GetSection\(\s*"([^"]+)"\s*\)\s*\)/g)) {
      const ps = props(m[1]);
      if (ps) for (const pr of ps) exact.add(norm(`${m[2]}:${pr}`)); else prefixes.add(norm(m[2]));
    }
    for (const m of text.matchAll(/GetSection\(\s*"([^"]+)"\s*\)\s*\.\s*Get<(\w+)>/g)) {
      const ps = props(m[2]);
      if (ps) for (const pr of ps) exact.add(norm(`${m[1]}:${pr}`)); else prefixes.add(norm(m[1]));
    }
    for (const m of text.matchAll(/GetSection\(\s*"([^"]+)"\s*\)\s*\.\s*GetChildren\(/g)) prefixes.add(norm(m[1]));
  }
  return (key) => {
    const k = norm(key);
    return exact.has(k) || [...prefixes].some((pre) => k.startsWith(pre + ":")) || patterns.some((re) => re.test(key));
  };
}

function checkChartEnv(p, dir, files, chart) {
  const known = knownKeys(dir, files);
  let n = 0;
  for (const name of chart.env.keys()) {
    if (!ENV_CHECKED.test(name)) continue;
    const key = name.replaceAll("__", ":");
    if (known(key)) n++;
    else fail(`chart sets ${name} but no code or appsettings key ${key} corresponds to it (a setting nothing reads)`);
  }
  ok(`${n} chart variable(s) named ${ENV_PREFIXES.join("__/")}__ correspond to keys the code reads`);
}

function checkLoopback(p, settings, files, chart) {
  const flagged = new Set();
  const must = (key, value, where) => {
    if (flagged.has(key.toLowerCase()) || providedByChart(chart.env, key)) return;
    flagged.add(key.toLowerCase());
    fail(`${where} gives "${key}" the loopback value "${value}" and the chart does not set ${key.replaceAll(":", "__")}`);
  };
  for (const [key, value] of leaves(settings))
    if (typeof value === "string" && LOOPBACK.test(value)) must(key, value, `${p.dir}/appsettings.json`);
  const texts = files.map((f) => [f, readFileSync(f, "utf8")]);
  const consts = new Map();
  for (const [, t] of texts) for (const m of t.matchAll(/const\s+string\s+(\w+)\s*=\s*"([^"]+)"/g)) consts.set(m[1], m[2]);
  for (const [f, t] of texts) {
    const where = path.relative(codeRoot, f);
    const key = (k) => (k.startsWith('"') ? k.slice(1, -1) : consts.get(k.split(".").pop()));
    for (const m of t.matchAll(/[Cc]onfig\w*\s*\[\s*("[^"]+"|[\w.]+)\s*\]\s*(?:\?\?\s*|is\s*\{[^}]*\}\s*(\w+)\s*\?\s*\2\s*:\s*)"([^"]*)"/g)) {
      const k = key(m[1]);
      if (k && LOOPBACK.test(m[3])) must(k, m[3], where);
    }
  }
  if (flagged.size === 0) ok("every key with a loopback value in appsettings.json or the code is set by the chart");
}

function checkProbes(p, files, chart) {
  const code = files.map((f) => readFileSync(f, "utf8")).join("\n");
  const probes = {
    startup: chart.container.startupProbe?.httpGet, liveness: chart.container.livenessProbe?.httpGet, readiness: chart.container.readinessProbe?.httpGet };
  const expected = { startup: "/health/live", liveness: "/health/live", readiness: "/health/ready" };
  for (const path of PROBE_PATHS) {
    if (code.includes(`"${path}"`)) ok(`code maps ${path}`);
    else fail(`no "${path}" in the code of ${p.dir} or the projects it references, but the chart probes it`);
  }
  for (const [probe, get] of Object.entries(probes)) {
    if (get?.path === expected[probe] && get?.port === "http") continue;
    fail(`${probe} probe is ${get ? `${get.path} on port ${get.port}` : "missing"}; expected ${expected[probe]} on the REST port (http)`);
  }
  return code;
}

function checkMigrate(p, code, chart) {
  if (!chart.migrationJob) { note("the chart runs no migration Job for this service (migrate: false)"); return; }
  const jobArgs = chart.migrationJob.spec.template.spec.containers[0].args ?? [];
  if (!jobArgs.includes("--migrate")) fail(`migration Job ${chart.migrationJob.metadata.name} does not pass --migrate`);
  if (code.includes('"--migrate"')) ok(`code handles --migrate (Job ${chart.migrationJob.metadata.name})`);
  else fail(`the chart runs ${p.dir} with --migrate but the code has no "--migrate"`);
}

function checkGateway(p, settings, chart, portsByComponent) {
  const proxy = lookup(settings, "ReverseProxy");
  if (!proxy) { fail("gateway appsettings.json has no ReverseProxy section"); return; }
  const clusters = lookup(proxy, "Clusters") ?? {};
  const routes = lookup(proxy, "Routes") ?? {};
  const services = new Map(byKind("Service").map((s) => [s.metadata.name, s]));

  // Every cluster destination the code declares is pointed at the right Service and port.
  for (const [clusterId, cluster] of Object.entries(clusters)) {
    // A cluster spoken to over HTTP/2 goes to the Service's grpc port (HTTP/2 only), any other to its http port.
    const grpc = String(lookup(cluster, "HttpRequest:Version") ?? "").startsWith("2");
    const destinations = Object.keys(lookup(cluster, "Destinations") ?? {});
    if (destinations.length === 0) fail(`cluster ${clusterId} has no destinations in appsettings.json`);
    for (const dest of destinations) {
      const envName = `ReverseProxy__Clusters__${clusterId}__Destinations__${dest}__Address`;
      const address = [...chart.env.entries()].find(([k]) => k.toLowerCase() === envName.toLowerCase())?.[1];
      if (!address) { fail(`chart does not set ${envName}: the gateway would call the appsettings.json address`); continue; }
      let url;
      try { url = new URL(address); } catch { fail(`${envName}=${address} is not a URL`); continue; }
      const target = services.get(url.hostname.split(".")[0]);
      if (!target) { fail(`${envName}=${address}: no Service ${url.hostname} in the chart`); continue; }
      const component = componentOf(target);
      const portName = grpc ? "grpc" : "http";
      const servicePort = target.spec.ports.find((x) => x.name === portName)?.port;
      const codePort = portsByComponent.get(component)?.[portName];
      const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
      if (port !== servicePort) fail(`${envName}=${address}: port ${port}, but Service ${target.metadata.name} serves ${portName} on ${servicePort}`);
      else if (codePort !== undefined && codePort !== port) fail(`${envName}=${address}: port ${port}, but ${component}'s appsettings.json says ${portName} is ${codePort}`);
      else ok(`cluster ${clusterId} -> ${address} (${component} ${portName})`);
    }
  }
  // The chart sets no destination for a cluster the code no longer has.
  for (const k of chart.env.keys()) {
    const m = /^ReverseProxy__Clusters__(.+?)__Destinations__/i.exec(k);
    if (m && !Object.keys(clusters).some((c) => c.toLowerCase() === m[1].toLowerCase()))
      fail(`chart sets ${k} but appsettings.json has no cluster ${m[1]}`);
  }
  // Routes: each points at a declared cluster; each service has a REST and a gRPC route.
  for (const [routeId, route] of Object.entries(routes)) {
    const clusterId = lookup(route, "ClusterId");
    if (!Object.keys(clusters).some((c) => c.toLowerCase() === String(clusterId).toLowerCase()))
      fail(`route ${routeId} points at cluster ${clusterId}, which appsettings.json does not declare`);
  }
  const routeList = Object.values(routes).map((r) => ({ cluster: String(lookup(r, "ClusterId")), path: String(lookup(r, "Match:Path") ?? "") }));
  for (const svc of PROJECTS.filter((x) => x.kind === "service" && byKind("Deployment").some((d) => componentOf(d) === x.component))) {
    const rest = routeList.find((r) => r.cluster === svc.component);
    if (rest && rest.path.toLowerCase().startsWith(`/api/${svc.component}/`)) ok(`route ${rest.path} -> ${svc.component}`);
    else fail(`no REST route /api/${svc.component}/{**catch-all} -> cluster ${svc.component}`);
    const grpc = routeList.find((r) => r.path.startsWith(`/agora.${svc.component}.v1.`));
    const grpcCluster = grpc && Object.entries(clusters).find(([c]) => c.toLowerCase() === grpc.cluster.toLowerCase())?.[1];
    if (!grpc) fail(`no gRPC route /agora.${svc.component}.v1.…/{**}`);
    else if (!String(lookup(grpcCluster ?? {}, "HttpRequest:Version") ?? "").startsWith("2"))
      fail(`gRPC route ${grpc.path} -> cluster ${grpc.cluster}, which lacks "HttpRequest": { "Version": "2" } (plain-text gRPC needs HTTP/2)`);
    else ok(`route ${grpc.path} -> ${grpc.cluster} (HTTP/2)`);
  }
  // The chart sends the ingress traffic to the gateway's matching ports.
  for (const ing of byKind("Ingress")) {
    for (const rule of ing.spec.rules ?? []) for (const pth of rule.http?.paths ?? []) {
      const backend = pth.backend.service;
      const wantGrpc = ing.metadata.annotations?.["nginx.ingress.kubernetes.io/backend-protocol"] === "GRPC";
      const portName = backend.port.name;
      if (componentOf(services.get(backend.name) ?? {}) !== "gateway") fail(`Ingress ${ing.metadata.name} sends ${rule.host} to ${backend.name}, not the gateway`);
      else if (portName !== (wantGrpc ? "grpc" : "http")) fail(`Ingress ${ing.metadata.name} (${wantGrpc ? "gRPC" : "REST"}) uses gateway port ${portName}`);
      else ok(`Ingress ${ing.metadata.name}: ${rule.host}${pth.path} -> gateway ${portName}`);
    }
  }
}

// ---- main -----------------------------------------------------------------------------------
console.log(`  code: ${codeRoot}`);
console.log(`  chart: ${args.rendered}`);
const portsByComponent = new Map();
const present = PROJECTS.filter((p) => existsSync(path.join(codeRoot, p.dir)));
// Ports first, so the gateway check can compare destinations with each service's own settings.
const settingsOf = new Map();
for (const p of present) {
  const file = path.join(codeRoot, p.dir, "appsettings.json");
  if (!existsSync(file)) continue;
  try {
    let settings = readJsonc(file);
    const prod = path.join(codeRoot, p.dir, "appsettings.Production.json");
    if (existsSync(prod)) settings = { ...settings, ...readJsonc(prod) }; // shallow is enough for the keys we need
    settingsOf.set(p.component, settings);
    portsByComponent.set(p.component, { http: Number(lookup(settings, "Agora:RestPort")), grpc: Number(lookup(settings, "Agora:GrpcPort")) });
  } catch (err) {
    settingsOf.set(p.component, err);
  }
}

for (const p of PROJECTS) {
  console.log(`\n  ${p.component} (${p.dir})`);
  const dir = path.join(codeRoot, p.dir);
  if (!existsSync(dir)) { skip(`${p.dir} not found`); continue; }
  const chart = chartComponent(p.component);
  if (!chart) { fail(`the code has ${p.dir} but the chart renders no Deployment for ${p.component}`); continue; }
  const settings = settingsOf.get(p.component);
  if (settings === undefined) { fail(`${p.dir}/appsettings.json not found`); continue; }
  if (settings instanceof Error) { fail(`${p.dir}/appsettings.json does not parse: ${settings.message}`); continue; }
  const files = sourceFiles(dir);
  if (files.length === 0) { fail(`no C# sources in ${p.dir}`); continue; }

  checkPorts(p, settings, chart);
  checkConfig(p, settings, files, chart);
  checkChartEnv(p, dir, files, chart);
  checkLoopback(p, settings, files, chart);
  const code = checkProbes(p, files, chart);
  if (p.kind === "service") checkMigrate(p, code, chart);
  if (p.kind === "gateway") checkGateway(p, settings, chart, portsByComponent);
}

const skipped = PROJECTS.length - present.length;
console.log(`\n  ${present.length} project(s) checked, ${skipped} skipped, ${failures} failure(s)`);
process.exit(failures > 0 ? 1 : 0);
