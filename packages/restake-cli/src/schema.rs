//! The JSON schema of the hub's interface, generated exactly as
//! `cargo run -p restake-types --bin schema` (`cosmwasm_schema::write_api!`) does.

use std::path::{Path, PathBuf};

use anyhow::Context;
use cosmwasm_schema::{generate_api, Api};
use restake_types::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

/// The same `Api` value `write_api!` builds in `packages/restake-types/src/bin/schema.rs`.
/// The version is the workspace's (both crates inherit it).
pub fn api() -> Api {
    generate_api! {
        name: "restake-hub",
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    }
}

/// Every file of the schema folder, as (path relative to the folder, contents), byte for
/// byte what `write_api!` writes.
pub fn files() -> anyhow::Result<Vec<(PathBuf, String)>> {
    let api = api().render();
    let mut out = vec![(
        PathBuf::from("restake-hub.json"),
        api.to_string().context("render the API")? + "\n",
    )];
    for (name, json) in api.to_schema_files().context("render the schema files")? {
        out.push((Path::new("raw").join(name), json + "\n"));
    }
    Ok(out)
}

fn remove_json(dir: &Path) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        let regular = p.symlink_metadata().map(|m| m.is_file()).unwrap_or(false);
        if regular && name.ends_with(".json") && !name.starts_with('.') {
            std::fs::remove_file(&p).with_context(|| format!("remove {}", p.display()))?;
        }
    }
    Ok(())
}

/// Writes the schema into `dir` (stale `*.json` files there and in `raw/` are removed
/// first, as `write_api!` does for the top folder). Returns the paths written.
pub fn write(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let raw = dir.join("raw");
    std::fs::create_dir_all(&raw).with_context(|| format!("create {}", raw.display()))?;
    remove_json(dir)?;
    remove_json(&raw)?;
    let mut written = vec![];
    for (rel, contents) in files()? {
        let path = dir.join(rel);
        std::fs::write(&path, contents).with_context(|| format!("write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
