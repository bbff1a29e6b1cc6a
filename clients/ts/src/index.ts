// Hand-written entry point. The RestakeHub.* files and baseClient.ts beside it are generated
// from ../../schema by `npm run codegen`; never edit them by hand.
export * from "./RestakeHub.types";
export * from "./RestakeHub.client";
export * from "./RestakeHub.message-composer";
export * from "./baseClient";
export * from "./cosmjs";
