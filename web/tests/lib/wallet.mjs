// A test wallet with Keplr's injected API (`window.keplr`, and `window.leap` alike), backed by
// a CosmJS key in the test process: the page calls the API as it would call Keplr; the
// calls cross to node through a Playwright binding, where DirectSecp256k1HdWallet signs.
// Nothing of CosmJS runs in the page for the wallet; the page's own CosmJS (signer.ts)
// builds, simulates and broadcasts the transaction.

import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";

const b64 = (u8) => Buffer.from(u8).toString("base64");
const unb64 = (s) => new Uint8Array(Buffer.from(s, "base64"));

/**
 * Installs the wallet in every page of `context`. Returns its address and a log of what the
 * page asked: chains suggested, chains enabled, documents signed.
 */
export async function installWallet(context, { mnemonic, prefix = "cosmos", keyName = "test key", as = ["keplr"] }) {
  const hd = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix });
  const [account] = await hd.getAccounts();
  const log = { suggested: [], enabled: [], signed: [] };
  await context.exposeBinding("__restakeTestWallet", async (_source, method, arg) => {
    switch (method) {
      case "suggest":
        log.suggested.push(arg);
        return null;
      case "enable":
        log.enabled.push(arg);
        return null;
      case "key":
        return { name: keyName, algo: account.algo, pubkey: b64(account.pubkey), address: account.address };
      case "signDirect": {
        if (arg.signerAddress !== account.address) throw new Error(`the test wallet has no key for ${arg.signerAddress}`);
        const doc = {
          bodyBytes: unb64(arg.doc.bodyBytes),
          authInfoBytes: unb64(arg.doc.authInfoBytes),
          chainId: arg.doc.chainId,
          accountNumber: BigInt(arg.doc.accountNumber),
        };
        const res = await hd.signDirect(arg.signerAddress, doc);
        log.signed.push({ chainId: doc.chainId, bodyBytes: arg.doc.bodyBytes });
        return {
          signed: {
            bodyBytes: b64(res.signed.bodyBytes),
            authInfoBytes: b64(res.signed.authInfoBytes),
            chainId: res.signed.chainId,
            accountNumber: res.signed.accountNumber.toString(),
          },
          signature: res.signature,
        };
      }
      default:
        throw new Error(`unknown wallet call ${method}`);
    }
  });
  await context.addInitScript((names) => {
    const call = (m, a) => window.__restakeTestWallet(m, a);
    const b64 = (u8) => btoa(String.fromCharCode(...u8));
    const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
    const key = async (chainId) => {
      const k = await call("key", chainId);
      return { name: k.name, algo: k.algo, pubKey: unb64(k.pubkey), address: new Uint8Array(20), bech32Address: k.address, isNanoLedger: false };
    };
    const api = {
      experimentalSuggestChain: (info) => call("suggest", info),
      enable: (ids) => call("enable", ids),
      getKey: key,
      getOfflineSigner: (chainId) => ({
        getAccounts: async () => {
          const k = await key(chainId);
          return [{ address: k.bech32Address, algo: k.algo, pubkey: k.pubKey }];
        },
        signDirect: async (signerAddress, signDoc) => {
          const r = await call("signDirect", {
            signerAddress,
            doc: {
              bodyBytes: b64(signDoc.bodyBytes),
              authInfoBytes: b64(signDoc.authInfoBytes),
              chainId: signDoc.chainId,
              accountNumber: String(signDoc.accountNumber),
            },
          });
          return {
            signed: {
              bodyBytes: unb64(r.signed.bodyBytes),
              authInfoBytes: unb64(r.signed.authInfoBytes),
              chainId: r.signed.chainId,
              accountNumber: BigInt(r.signed.accountNumber),
            },
            signature: r.signature,
          };
        },
      }),
    };
    for (const n of names) window[n] = api;
  }, as);
  return { address: account.address, log };
}
