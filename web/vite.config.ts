import { defineConfig } from "vite";

// Relative asset paths: the build works from `restake serve`, any static host or a sub-path.
// The generated contract types live in ../clients/ts (imported as types only).
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  server: { fs: { allow: [".."] } },
});
