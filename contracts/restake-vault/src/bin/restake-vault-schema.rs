//! Writes the JSON schema of the vault's messages to `contracts/restake-vault/schema/`
//! (`cargo run -p restake-vault --bin restake-vault-schema`).

use cosmwasm_schema::generate_api;
use restake_vault::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

fn main() {
    let api = generate_api! {
        name: "restake-vault",
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    std::fs::create_dir_all(&dir).expect("create schema dir");
    let path = dir.join("restake-vault.json");
    std::fs::write(
        &path,
        api.render().to_string().expect("render schema") + "\n",
    )
    .expect("write schema");
    println!("wrote {}", path.display());
}
