// Generates the TypeScript client of restake-hub from the contract's JSON schema.
//
//   npm run codegen              -> writes src/RestakeHub.types.ts and src/RestakeHub.client.ts
//   node scripts/codegen.js DIR  -> writes the same files into DIR (scripts/check-ts.sh uses
//                                   this to compare a fresh generation with the committed one)
//
// Reads ../../schema/restake-hub.json (the idl written by `cargo run -p restake-types --bin
// schema`). Runs offline: ts-codegen only reads the schema and renders files.
const fs = require("fs");
const os = require("os");
const path = require("path");
const codegen = require("@cosmwasm/ts-codegen").default;

const root = path.resolve(__dirname, "..");
const outPath = path.resolve(process.argv[2] || path.join(root, "src"));
// ts-codegen reads every .json below the folder it is given, and schema/ also holds other
// JSON Schemas (schema/metadata/): it gets a folder with the contract's IDL alone.
const schemaDir = fs.mkdtempSync(path.join(os.tmpdir(), "restake-idl-"));
fs.copyFileSync(path.resolve(root, "../../schema/restake-hub.json"), path.join(schemaDir, "restake-hub.json"));

codegen({
  contracts: [{ name: "RestakeHub", dir: schemaDir }],
  outPath,
  options: {
    bundle: { enabled: false },
    types: { enabled: true },
    client: { enabled: true },
    messageComposer: { enabled: true },
    messageBuilder: { enabled: false },
    reactQuery: { enabled: false },
    recoil: { enabled: false },
    useContractsHook: { enabled: false },
  },
})
  .finally(() => fs.rmSync(schemaDir, { recursive: true, force: true }))
  .then(() => console.log(`generated the RestakeHub client into ${path.relative(process.cwd(), outPath) || "."}`))
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
