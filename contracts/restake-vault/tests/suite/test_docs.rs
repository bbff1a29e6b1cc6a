//! The README's command lines are the vault's own messages: every `wasmd tx wasm
//! instantiate|execute` and `wasmd query wasm contract-state smart` line of README.md is
//! parsed into the vault's types (which refuse unknown fields), so a renamed field breaks
//! the tests, not a user.

use restake_vault::msg::{ExecuteMsg, InstantiateMsg, QueryMsg};

/// The JSON argument of a command line, with the shell's `'$VAL'` / `'$HUB'` splices
/// resolved to sample values.
fn json_argument(line: &str) -> Option<String> {
    let line = line
        .replace("'$VAL'", "cosmosvaloper1sample")
        .replace("'$HUB'", "cosmos1hub");
    let start = line.find('\'')?;
    let end = line.rfind('\'')?;
    (end > start).then(|| line[start + 1..end].to_string())
}

#[test]
fn readme_examples_parse_as_the_vaults_messages() {
    let readme = include_str!("../../README.md");
    let mut checked = 0;
    let mut failures = vec![];
    let mut in_sh = false;
    for (n, line) in readme.lines().enumerate() {
        if line.starts_with("```") {
            in_sh = line.trim() == "```sh";
            continue;
        }
        if !in_sh || !line.starts_with("wasmd ") {
            continue;
        }
        let Some(json) = json_argument(line) else {
            failures.push(format!("line {}: no JSON argument", n + 1));
            continue;
        };
        let bytes = json.as_bytes();
        let result = if line.contains(" tx wasm instantiate ") {
            cosmwasm_std::from_json::<InstantiateMsg>(bytes).map(|_| ())
        } else if line.contains(" tx wasm execute ") {
            let parsed = cosmwasm_std::from_json::<ExecuteMsg>(bytes);
            if let Ok(msg) = &parsed {
                let pays = matches!(msg, ExecuteMsg::Deposit {});
                if pays != line.contains("--amount") {
                    failures.push(format!(
                        "line {}: --amount only (and always) with deposit",
                        n + 1
                    ));
                }
            }
            parsed.map(|_| ())
        } else if line.contains(" query wasm contract-state smart ") {
            cosmwasm_std::from_json::<QueryMsg>(bytes).map(|_| ())
        } else {
            continue;
        };
        match result {
            Ok(()) => checked += 1,
            Err(e) => failures.push(format!("line {}: {e}\n  {json}", n + 1)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 30, "only {checked} examples found");
}
