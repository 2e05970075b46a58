// Self-test of check-chart-vs-code.mjs: builds a tiny code tree that follows the conventions
// (ports, connection strings, health paths, --migrate, YARP config), expects the check to pass on
// it, then breaks it in several ways and expects each break to be reported. This keeps the check
// honest while the real code is not in the tree yet.
//
//   node deploy/helm/check-selftest.mjs <rendered default.yaml>
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const rendered = process.argv[2];
const SERVICES = { registry: [5101, 5102], workshops: [5201, 5202], charter: [5301, 5302], notifications: [5401, 5402] };
const cap = (s) => s[0].toUpperCase() + s.slice(1);

function write(file, text) { mkdirSync(path.dirname(file), { recursive: true }); writeFileSync(file, text); }

// The keys the chart sets (Agora__*, <Service>__*), as the code would name them: the conforming
// tree "reads" each of them, so that the check's "a chart variable nothing reads" rule passes on it.
const CHART_KEYS = [...new Set([...readFileSync(rendered, "utf8").matchAll(
  /\b((?:Agora|Messaging|Registry|Workshops|Charter|Notifications|Gateway)__[A-Za-z0-9_.-]+)/g)].map((m) => m[1].replaceAll("__", ":")))];

function makeTree(root) {
  write(`${root}/services/Agora.ServiceDefaults/Agora.ServiceDefaults.csproj`, "<Project Sdk=\"Microsoft.NET.Sdk\" />\n");
  write(`${root}/services/Agora.ServiceDefaults/Keys.cs`, `static class Keys { static readonly string[] All = {\n${CHART_KEYS.map((k) => `  "${k}",`).join("\n")}\n}; }\n`);
  write(`${root}/services/Agora.ServiceDefaults/Extensions.cs`, [
    'var agora = builder.Configuration.GetSection("Agora");',
    'var rest = agora.GetValue<int>("RestPort");',
    'var listen = builder.Configuration["Agora:ListenAddress"] ?? "127.0.0.1";',
    'app.MapHealthChecks("/health/live"); app.MapHealthChecks("/health/ready");',
    "public static IHostApplicationBuilder AddServiceDatabase<TDbContext>(this IHostApplicationBuilder builder, string connectionName)",
    '{ var cs = builder.Configuration.GetConnectionString(connectionName) ?? throw new InvalidOperationException("not set"); return builder; }', ""].join("\n"));
  const ref = '<Project Sdk="Microsoft.NET.Sdk.Web"><ItemGroup><ProjectReference Include="..\\..\\Agora.ServiceDefaults\\Agora.ServiceDefaults.csproj" /></ItemGroup></Project>\n';
  for (const [svc, [r, g]] of Object.entries(SERVICES)) {
    const dir = `${root}/services/${cap(svc)}/Agora.${cap(svc)}`;
    write(`${dir}/Agora.${cap(svc)}.csproj`, ref);
    write(`${dir}/appsettings.json`, `{\n  // defaults for a developer machine\n  "Agora": { "RestPort": ${r}, "GrpcPort": ${g} },\n}\n`);
    // registry reads its connection string through a shared helper, the others directly
    const db = svc === "registry" ? `builder.AddServiceDatabase<RegistryDbContext>("${svc}db");` : `var db = builder.Configuration.GetConnectionString("${svc}db");`;
    write(`${dir}/Program.cs`, `if (args.Contains("--migrate")) { return; }\n${db}\nvar mq = builder.Configuration.GetConnectionString("rabbitmq");\n`);
  }
  const Routes = {}, Clusters = {};
  for (const [svc, [, g]] of Object.entries(SERVICES)) {
    Routes[svc] = { ClusterId: svc, Match: { Path: `/api/${svc}/{**catch-all}` } };
    Routes[`${svc}-grpc`] = { ClusterId: svc, Match: { Path: `/agora.${svc}.v1.{**grpc}` } };
    Clusters[svc] = { HttpRequest: { Version: "2", VersionPolicy: "RequestVersionExact" }, Destinations: { primary: { Address: `http://localhost:${g}` } } };
  }
  const gw = `${root}/gateway/Agora.Gateway`;
  write(`${gw}/Agora.Gateway.csproj`, ref.replace("..\\..\\Agora.ServiceDefaults", "..\\..\\services\\Agora.ServiceDefaults"));
  write(`${gw}/Program.cs`, 'builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));\n');
  write(`${gw}/appsettings.json`, JSON.stringify({ Agora: { RestPort: 8080, GrpcPort: 8081 }, ReverseProxy: { Routes, Clusters } }, null, 2));
}

function check(root) {
  const r = spawnSync(process.execPath, [path.join(here, "check-chart-vs-code.mjs"), "--rendered", rendered, "--code", root], { encoding: "utf8" });
  return { status: r.status, out: r.stdout + r.stderr };
}

const edit = (file, from, to) => writeFileSync(file, readFileSync(file, "utf8").replace(from, to));
const BREAKS = [
  ["a port drifts", (t) => edit(`${t}/services/Charter/Agora.Charter/appsettings.json`, "5301", "5399"), /REST port is 5399 in appsettings.json/],
  ["a new connection string", (t) => edit(`${t}/services/Workshops/Agora.Workshops/Program.cs`, "var mq", 'var blobs = builder.Configuration.GetConnectionString("blobs");\nvar mq'), /connection string "blobs"/],
  ["a connection string renamed behind a helper", (t) => edit(`${t}/services/Registry/Agora.Registry/Program.cs`, '"registrydb"', '"identitydb"'), /connection string "identitydb" \(via AddServiceDatabase\)/],
  ["a key whose default is loopback", (t) => edit(`${t}/services/Charter/Agora.Charter/Program.cs`, "var mq", 'var idp = builder.Configuration["Agora:Idp:Url"] ?? "http://127.0.0.1:5101/";\nvar mq'), /loopback default/],
  ["a new required key", (t) => edit(`${t}/services/Registry/Agora.Registry/Program.cs`, "var mq", 'var k = builder.Configuration["Agora:Vault:Url"];\nvar mq'), /"Agora:Vault:Url"/],
  ["no readiness endpoint", (t) => edit(`${t}/services/Agora.ServiceDefaults/Extensions.cs`, "/health/ready", "/healthz"), /no "\/health\/ready"/],
  ["no --migrate", (t) => edit(`${t}/services/Notifications/Agora.Notifications/Program.cs`, "--migrate", "--upgrade-db"), /no "--migrate"/],
  ["a new YARP cluster", (t) => edit(`${t}/gateway/Agora.Gateway/appsettings.json`, '"Clusters": {', '"Clusters": {\n "search": { "Destinations": { "primary": { "Address": "http://localhost:5501" } } },'), /ReverseProxy__Clusters__search__Destinations__primary__Address/],
  ["a gRPC route to a cluster not spoken to over HTTP/2", (t) => edit(`${t}/gateway/Agora.Gateway/appsettings.json`, '"Version": "2"', '"Version": "1.1"'),
    /lacks "HttpRequest": \{ "Version": "2" \}/],
  ["a chart variable nothing reads (the code renamed its key)", (t) => edit(`${t}/services/Agora.ServiceDefaults/Keys.cs`, '"Notifications:Smtp:Host"', '"Mail:Smtp:Host"'),
    /chart sets Notifications__Smtp__Host but no code or appsettings key/],
  ["a loopback value in appsettings.json the chart does not override", (t) => edit(`${t}/services/Charter/Agora.Charter/appsettings.json`, '"Agora":', '"Charter": { "Search": { "Url": "http://127.0.0.1:9200" } },\n  "Agora":'),
    /"Charter:Search:Url" the loopback value/],
  ["a loopback default behind a const key name", (t) => edit(`${t}/services/Workshops/Agora.Workshops/Program.cs`, "var mq", 'const string SearchKey = "Workshops:SearchGrpc";\nvar search = builder.Configuration[SearchKey] ?? "http://localhost:5999";\nvar mq'),
    /"Workshops:SearchGrpc" the loopback value/],
];

let bad = 0;
const base = mkdtempSync(path.join(tmpdir(), "agora-check-"));
try {
  const good = `${base}/good`;
  makeTree(good);
  const r = check(good);
  if (r.status === 0 && !/skipped:/.test(r.out)) console.log("    ok    a tree that follows the conventions passes");
  else { bad++; console.log(`    FAIL  the conforming tree did not pass:\n${r.out}`); }
  for (const [name, breakIt, expected] of BREAKS) {
    const t = `${base}/${name.replaceAll(" ", "-")}`;
    makeTree(t);
    breakIt(t);
    const b = check(t);
    if (b.status === 1 && expected.test(b.out)) console.log(`    ok    caught: ${name}`);
    else { bad++; console.log(`    FAIL  not caught: ${name} (exit ${b.status})\n${b.out}`); }
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}
process.exit(bad ? 1 : 0);
