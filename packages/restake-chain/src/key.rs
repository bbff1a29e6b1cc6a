use cosmrs::crypto::secp256k1::SigningKey;
use cosmrs::crypto::PublicKey;
use cosmrs::AccountId;

use crate::error::{Error, Result};

/// The Cosmos Hub's HD path (coin type 118), what `gaiad keys add` derives.
pub const COSMOS_HD_PATH: &str = "m/44'/118'/0'/0/0";

/// A secp256k1 account key and its bech32 address.
#[derive(Clone)]
pub struct Key {
    secret: [u8; 32],
    public_key: PublicKey,
    address: AccountId,
    prefix: String,
}

impl Key {
    /// The key `gaiad keys add --recover` would derive from this mnemonic.
    pub fn from_mnemonic(phrase: &str, prefix: &str) -> Result<Self> {
        Self::from_mnemonic_path(phrase, prefix, COSMOS_HD_PATH)
    }

    pub fn from_mnemonic_path(phrase: &str, prefix: &str, path: &str) -> Result<Self> {
        let mnemonic = bip32::Mnemonic::new(phrase.trim(), bip32::Language::English)
            .map_err(|e| Error::Key(format!("mnemonic: {e}")))?;
        let path: bip32::DerivationPath = path
            .parse()
            .map_err(|e| Error::Key(format!("derivation path {path}: {e}")))?;
        let xprv = bip32::XPrv::derive_from_path(mnemonic.to_seed(""), &path)
            .map_err(|e| Error::Key(format!("derivation: {e}")))?;
        let secret: [u8; 32] = xprv.private_key().to_bytes().into();
        Self::from_secret(secret, prefix)
    }

    /// A fresh random key and its mnemonic.
    pub fn random(prefix: &str) -> Result<(Self, String)> {
        let mnemonic = bip32::Mnemonic::random(rand_core::OsRng, bip32::Language::English);
        let phrase = mnemonic.phrase().to_string();
        Ok((Self::from_mnemonic(&phrase, prefix)?, phrase))
    }

    /// A key from its 32 secret bytes.
    pub fn from_secret(secret: [u8; 32], prefix: &str) -> Result<Self> {
        let signing =
            SigningKey::from_slice(&secret).map_err(|e| Error::Key(format!("secret: {e}")))?;
        let address = signing
            .public_key()
            .account_id(prefix)
            .map_err(|e| Error::Key(format!("address: {e}")))?;
        Ok(Key {
            secret,
            public_key: signing.public_key(),
            address,
            prefix: prefix.to_string(),
        })
    }

    /// The account address (`cosmos1...`).
    pub fn address(&self) -> String {
        self.address.to_string()
    }

    pub fn account_id(&self) -> &AccountId {
        &self.address
    }

    /// The same key's validator operator address (`cosmosvaloper1...`).
    pub fn valoper(&self) -> Result<String> {
        AccountId::new(&format!("{}valoper", self.prefix), &self.address.to_bytes())
            .map(|a| a.to_string())
            .map_err(|e| Error::Key(format!("valoper address: {e}")))
    }

    pub fn public_key(&self) -> PublicKey {
        self.public_key
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub(crate) fn signing_key(&self) -> Result<SigningKey> {
        SigningKey::from_slice(&self.secret).map_err(|e| Error::Key(format!("secret: {e}")))
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({})", self.address)
    }
}
