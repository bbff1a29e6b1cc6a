import { defineConfig } from "vite";

import { chainRegistryPlugin } from "./build/chain-registry.mjs";

// Relative asset paths: the build works from `restake serve`, any static host or a sub-path.
// The generated contract client lives in ../clients/ts/src (types, and the message composer
// at run time): its imports resolve from this package's node_modules (`dedupe`), so the
// dashboard needs no install in clients/ts.
export default defineConfig({
  base: "./",
  plugins: [chainRegistryPlugin()],
  resolve: { dedupe: ["interchainjs", "@interchainjs/encoding", "@interchainjs/cosmos-types"] },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 1800 },
  server: { fs: { allow: [".."] } },
});
