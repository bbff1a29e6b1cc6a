export function displayExponent(asset: unknown): number;
export function extract(): unknown[];
export function chainRegistryPlugin(): import("vite").Plugin;
