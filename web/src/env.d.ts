/// <reference types="vite/client" />

declare module "virtual:chain-registry" {
  export const chains: unknown[];
}
