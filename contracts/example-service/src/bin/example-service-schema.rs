//! Writes the JSON schema of the example service's messages to
//! `contracts/example-service/schema/` (`cargo run -p example-service --bin schema`).

use cosmwasm_schema::generate_api;
use example_service::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

fn main() {
    let api = generate_api! {
        name: "example-service",
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    std::fs::create_dir_all(&dir).expect("create schema dir");
    let path = dir.join("example-service.json");
    std::fs::write(
        &path,
        api.render().to_string().expect("render schema") + "\n",
    )
    .expect("write schema");
    println!("wrote {}", path.display());
}
