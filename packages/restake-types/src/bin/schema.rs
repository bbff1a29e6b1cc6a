//! Writes the JSON schema of restake-hub's interface to `schema/` (run from the
//! repository root: `cargo run -p restake-types --bin schema`).

use cosmwasm_schema::write_api;
use restake_types::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

fn main() {
    write_api! {
        name: "restake-hub",
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    }
}
