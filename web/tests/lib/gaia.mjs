// The tests' own gaiad node: `scripts/gaia-node.sh start` in target/gaia-web with ports of
// its own (WEB_GAIA_PORT_BASE, default 26900: RPC 26957, REST 1557, gRPC 9357, P2P 26956;
// gaia-node.sh's default is 26700 and gaia-e2e.sh's 26800), a second validator that never
// signs, and `stop` when the tests end. gaiad comes from ~/.cache/restake-hub/gaiad-v25.1.1
// or is built there by the script (Go). GAIA_ENV=<env file> uses a node already running
// instead (nothing is started or stopped).

import { execFileSync } from "node:child_process";
import path from "node:path";

/** A voucher denom the local chain holds (GAIA_EXTRA_COINS) but has no IBC trace for. */
export const UNTRACED_IBC = "ibc/F663521BF1836B00F5F177680F74BFB9A8B5654A694D0D2BC249E03CF2509013";

/** Starts the node (unless GAIA_ENV names a running one); returns { envFile, stop }. */
export function startNode(root) {
  if (process.env.GAIA_ENV) return { envFile: path.resolve(root, process.env.GAIA_ENV), stop: () => {} };
  const home = path.resolve(root, process.env.WEB_GAIA_HOME ?? "target/gaia-web");
  const env = {
    ...process.env,
    GAIA_HOME: home,
    GAIA_PORT_BASE: process.env.WEB_GAIA_PORT_BASE ?? "26900",
    GAIA_CHAIN_ID: "restake-web",
    GAIA_UNBONDING: "20s",
    GAIA_VOTING_PERIOD: "900s",
    // val2 never signs: a window longer than the tests keeps it bonded and unslashed.
    GAIA_SIGNED_BLOCKS_WINDOW: "100000",
    GAIA_EXTRA_COINS: `5000000000uusdc,7000000${UNTRACED_IBC}`,
  };
  const script = path.join(root, "scripts/gaia-node.sh");
  const run = (...args) => execFileSync(script, args, { env, stdio: ["ignore", "ignore", "inherit"], cwd: root });
  const stop = () => {
    try {
      run("stop");
    } catch {
      // already stopped
    }
  };
  stop();
  try {
    run("start");
    run("add-validator", "val2", "1000000000");
  } catch (e) {
    stop();
    throw e;
  }
  // Also when the run ends without `after` (a crash, Ctrl-C): no node outlives the tests.
  let stopped = false;
  const stopOnce = () => {
    if (!stopped) {
      stopped = true;
      stop();
    }
  };
  process.once("exit", stopOnce);
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.once(sig, () => {
      stopOnce();
      process.exit(130);
    });
  }
  return { envFile: path.join(home, "gaia.env"), stop: stopOnce };
}
