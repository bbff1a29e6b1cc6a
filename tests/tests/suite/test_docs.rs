//! The documentation's examples are the contract's own messages: every JSON example in
//! README.md and docs/*.md is parsed into restake-types' messages (which refuse unknown
//! fields), so a renamed field breaks the build, not a user.
//!
//! What is checked, per file:
//! - every ```json block: it must parse as an `InstantiateMsg`, `ExecuteMsg`, `QueryMsg` or
//!   `MigrateMsg`; or it is a cw20 `{"send":{..}}` whose base64 `msg` must parse as the
//!   hook `ReceiveMsg`; or it is a governance proposal file (`{"messages":[..]}`, SDK 0.50
//!   style), whose wasm messages must have their fields and whose embedded contract `msg`
//!   must parse as the type the message implies (instantiate, execute, migrate);
//! - in ```sh / ```bash / ```shell / ```console blocks, the JSON argument of every
//!   `<chain binary> tx wasm execute|instantiate|instantiate2|migrate ...`,
//!   `tx wasm submit-proposal instantiate-contract|execute-contract|migrate-contract ...`
//!   and `query wasm contract-state smart ...` command, after the shell's quoting and
//!   placeholders (`$HUB`, `'"$VAL"'`, `$(echo -n '..' | base64 -w0)`, `cosmos1...`) are
//!   resolved with sample values; execute messages must carry `--amount` exactly when the
//!   contract takes funds (`deposit`, `distribute_rewards`). A JSON heredoc is checked like
//!   a ```json block.
//!
//! Blocks in other languages (```text, ```jsonc, ...) are not examples. The test counts
//! what it checked, fails if README.md or docs/deploy.md has nothing it could check, and
//! prints every failing example with its file and line.
//!
//! Why one file: one extractor reads every document's examples (JSON blocks, shell commands,
//! heredocs, proposal files) and one checker parses them; each kind of block is a few
//! functions of the same pass.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use cosmwasm_std::testing::MockApi;
use cosmwasm_std::{from_json, Binary};
use cw20::Cw20ExecuteMsg;
use restake_types::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ReceiveMsg};
use serde_json::Value;

use super::helpers::repo_root;

/// Files that must contain at least one checked example.
const MUST_HAVE_EXAMPLES: &[&str] = &["README.md", "docs/deploy.md"];

/// Messages that take funds; every other execute message refuses them.
const PAYABLE: &[&str] = &["deposit", "distribute_rewards"];

/// Fields that hold an account or contract address, never a validator operator address.
const ACCOUNT_FIELDS: &[&str] = &[
    "owner",
    "new_owner",
    "staker",
    "slasher",
    "resolver",
    "admin",
    "address",
    "contract",
    "recipient",
];

// ------------------------------------------------------------------------- the checks

/// What a command's JSON argument must be.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Instantiate,
    Execute,
    Query,
    Migrate,
}

/// One example that was checked, or the reason it failed.
struct Outcome {
    file: String,
    line: usize,
    result: Result<String, String>,
    source: String,
}

/// Sample values for shell placeholders.
struct Samples {
    account: String,
    contract: String,
    valoper: String,
}

impl Samples {
    fn new() -> Self {
        Samples {
            account: MockApi::default()
                .with_prefix("cosmos")
                .addr_make("alice")
                .to_string(),
            contract: MockApi::default()
                .with_prefix("cosmos")
                .addr_make("restake-hub")
                .to_string(),
            valoper: MockApi::default()
                .with_prefix("cosmosvaloper")
                .addr_make("validator")
                .to_string(),
        }
    }

    /// A value for `$NAME` that the doc did not assign, chosen by its name.
    fn for_variable(&self, name: &str) -> String {
        let n = name.to_ascii_uppercase();
        let has = |s: &str| n.contains(s);
        if n == "VAL"
            || n.starts_with("VAL_")
            || n.ends_with("_VAL")
            || has("VALOPER")
            || has("VALIDATOR")
        {
            self.valoper.clone()
        } else if n.ends_with("ID") {
            "1".into()
        } else if has("AMOUNT") || has("DEPOSIT") {
            "1000000".into()
        } else if has("PERIOD") || has("DELAY") || has("EPOCH") || has("HEIGHT") {
            "86400".into()
        } else if has("FRACTION") || has("MAX_SLASH") {
            "0.05".into()
        } else if has("DENOM") {
            "uatom".into()
        } else if has("HUB") || has("CONTRACT") || has("TOKEN") || has("CW20") {
            self.contract.clone()
        } else {
            self.account.clone()
        }
    }

    /// Replaces the documentation's literal address placeholders.
    fn fill(&self, json: &str) -> String {
        json.replace("cosmosvaloper1...", &self.valoper)
            .replace("cosmos1...", &self.account)
    }
}

/// `serde_json::from_str::<$ty>`, with the error as text.
macro_rules! parse {
    ($ty:ty, $json:expr) => {
        serde_json::from_str::<$ty>($json).map_err(|e| e.to_string())
    };
}

/// The first key of a JSON object (the message name), for labels.
fn message_name(value: &Value) -> String {
    match value {
        Value::Object(map) => map.keys().next().cloned().unwrap_or_default(),
        Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// Validator fields must hold validator operator addresses, account fields must not.
fn check_address_fields(value: &Value) -> Result<(), String> {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("validator", Value::String(s)) if !s.contains("valoper") => {
                        return Err(format!(
                            "\"validator\" must be a validator operator address, got {s:?}"
                        ));
                    }
                    ("validators", Value::Array(list)) => {
                        for s in list.iter().filter_map(Value::as_str) {
                            if !s.contains("valoper") {
                                return Err(format!(
                                    "\"validators\" must hold validator operator addresses, got {s:?}"
                                ));
                            }
                        }
                    }
                    (k, Value::String(s))
                        if ACCOUNT_FIELDS.contains(&k) && s.contains("valoper") =>
                    {
                        return Err(format!(
                            "{k:?} must be an account or contract address, not the validator {s:?}"
                        ));
                    }
                    _ => check_address_fields(v)?,
                }
            }
            Ok(())
        }
        Value::Array(list) => list.iter().try_for_each(check_address_fields),
        _ => Ok(()),
    }
}

/// Parses `json` as the message `expect` names. Returns a label for the summary.
fn check_message(json: &str, expect: Expect) -> Result<String, String> {
    let value = parse!(Value, json).map_err(|e| format!("not JSON: {e}"))?;
    let name = message_name(&value);
    let (type_name, parsed) = match expect {
        Expect::Instantiate => ("InstantiateMsg", parse!(InstantiateMsg, json).map(|_| ())),
        Expect::Execute => ("ExecuteMsg", parse!(ExecuteMsg, json).map(|_| ())),
        Expect::Query => ("QueryMsg", parse!(QueryMsg, json).map(|_| ())),
        Expect::Migrate => ("MigrateMsg", parse!(MigrateMsg, json).map(|_| ())),
    };
    parsed.map_err(|e| format!("not a valid {type_name}: {e}"))?;
    check_address_fields(&value)?;
    Ok(match expect {
        Expect::Instantiate | Expect::Migrate => type_name.to_string(),
        _ => format!("{type_name}::{name}"),
    })
}

/// A cw20 `send` whose hook message must be the hub's `ReceiveMsg`.
fn check_cw20_send(json: &str) -> Result<String, String> {
    let msg = parse!(Cw20ExecuteMsg, json).map_err(|e| format!("not a cw20 message: {e}"))?;
    let Cw20ExecuteMsg::Send { msg, .. } = msg else {
        return Err("only the cw20 `send` message is documented".into());
    };
    let hook: ReceiveMsg = from_json(&msg).map_err(|e| {
        format!(
            "the base64 `msg` of the cw20 send is not a valid ReceiveMsg ({e}): {}",
            String::from_utf8_lossy(msg.as_slice())
        )
    })?;
    let ReceiveMsg::DistributeRewards { .. } = hook;
    Ok("cw20 send + ReceiveMsg::distribute_rewards".into())
}

/// The contract message inside a wasm message of a proposal: a JSON object, or base64.
fn embedded_msg(message: &Value) -> Result<String, String> {
    match message.get("msg") {
        Some(Value::String(b64)) => {
            let bytes = Binary::from_base64(b64).map_err(|e| format!("msg is not base64: {e}"))?;
            String::from_utf8(bytes.to_vec()).map_err(|e| e.to_string())
        }
        Some(v @ Value::Object(_)) => Ok(v.to_string()),
        _ => Err("a wasm message needs a `msg`".into()),
    }
}

/// A governance proposal file (SDK 0.50 `tx gov submit-proposal`): its wasm messages.
fn check_proposal(value: &Value) -> Result<String, String> {
    let messages = value
        .get("messages")
        .and_then(Value::as_array)
        .filter(|m| !m.is_empty())
        .ok_or("a proposal needs a non-empty \"messages\" list")?;
    for key in ["title", "summary", "deposit"] {
        if !value.get(key).is_some_and(Value::is_string) {
            return Err(format!("a proposal needs a {key:?} string"));
        }
    }
    let mut labels = vec![];
    for message in messages {
        let ty = message
            .get("@type")
            .and_then(Value::as_str)
            .ok_or("every proposal message needs an \"@type\"")?;
        let (fields, expect): (&[&str], Option<Expect>) = match ty {
            "/cosmwasm.wasm.v1.MsgStoreCode" => (&["sender", "wasm_byte_code"], None),
            "/cosmwasm.wasm.v1.MsgInstantiateContract" => (
                &["sender", "admin", "code_id", "label", "msg"],
                Some(Expect::Instantiate),
            ),
            "/cosmwasm.wasm.v1.MsgInstantiateContract2" => (
                &["sender", "admin", "code_id", "label", "msg", "salt"],
                Some(Expect::Instantiate),
            ),
            "/cosmwasm.wasm.v1.MsgStoreAndInstantiateContract" => (
                &["authority", "wasm_byte_code", "admin", "label", "msg"],
                Some(Expect::Instantiate),
            ),
            "/cosmwasm.wasm.v1.MsgExecuteContract" => {
                (&["sender", "contract", "msg"], Some(Expect::Execute))
            }
            "/cosmwasm.wasm.v1.MsgMigrateContract" => (
                &["sender", "contract", "code_id", "msg"],
                Some(Expect::Migrate),
            ),
            "/cosmwasm.wasm.v1.MsgUpdateAdmin" => (&["sender", "new_admin", "contract"], None),
            other => return Err(format!("unexpected message type {other:?} in a proposal")),
        };
        for field in fields {
            if message.get(*field).is_none() {
                return Err(format!("{ty} needs the field {field:?}"));
            }
        }
        let short = ty.rsplit('.').next().unwrap_or(ty);
        match expect {
            Some(expect) => {
                let label = check_message(&embedded_msg(message)?, expect)
                    .map_err(|e| format!("{short}: {e}"))?;
                labels.push(format!("{short}({label})"));
            }
            None => labels.push(short.to_string()),
        }
    }
    Ok(format!("proposal [{}]", labels.join(", ")))
}

/// A ```json block (or JSON heredoc): any of the contract's messages, a cw20 send or a
/// governance proposal.
fn check_json_block(json: &str) -> Result<String, String> {
    let value = parse!(Value, json).map_err(|e| format!("not JSON: {e}"))?;
    if value.get("messages").is_some() {
        return check_proposal(&value);
    }
    if value.get("send").is_some() {
        return check_cw20_send(json);
    }
    let mut errors = vec![];
    for expect in [
        Expect::Instantiate,
        Expect::Execute,
        Expect::Query,
        Expect::Migrate,
    ] {
        match check_message(json, expect) {
            Ok(label) => return Ok(label),
            Err(e) => errors.push(e),
        }
    }
    Err(format!(
        "not one of the contract's messages:\n    {}",
        errors.join("\n    ")
    ))
}

// ------------------------------------------------------------------------- markdown

struct Fence {
    lang: String,
    /// 1-based line number of the first line inside the fence.
    first_line: usize,
    lines: Vec<String>,
}

fn fences(text: &str) -> Vec<Fence> {
    let mut out = vec![];
    let mut open: Option<(String, Fence)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let marker: String = trimmed
            .chars()
            .take_while(|c| *c == '`' || *c == '~')
            .collect();
        let is_marker = indent <= 3
            && marker.len() >= 3
            && marker
                .chars()
                .all(|c| c == marker.chars().next().unwrap_or('`'));
        match open.take() {
            None if is_marker => {
                let lang = trimmed[marker.len()..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                open = Some((
                    marker,
                    Fence {
                        lang,
                        first_line: i + 2,
                        lines: vec![],
                    },
                ));
            }
            None => {}
            Some((m, fence))
                if is_marker
                    && marker.starts_with(&m)
                    && trimmed[marker.len()..].trim().is_empty() =>
            {
                out.push(fence);
            }
            Some((m, mut fence)) => {
                fence.lines.push(line.to_string());
                open = Some((m, fence));
            }
        }
    }
    out
}

// ------------------------------------------------------------------------- shell

/// A piece of a shell word.
#[derive(Debug, Clone)]
enum Part {
    /// Literal text (quoted or not).
    Lit(String),
    /// `$NAME` / `${NAME}` / `${NAME:-default}`.
    Var(String, Option<String>),
    /// `$(...)` or `` `...` ``.
    Subst(String),
}

type Word = Vec<Part>;

/// A simple command and the operator that follows it (`|`, `;`, `&&`, `||`, or none).
struct Simple {
    words: Vec<Word>,
    pipe_to_next: bool,
}

/// The end of a `$(...)` starting at `start` (just after `$(`): index of the closing `)`.
fn matching_paren(chars: &[char], start: usize) -> Result<usize, String> {
    let mut depth = 1;
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            '\'' => {
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
            }
            '"' => {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            '\\' => i += 1,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    Err("unclosed $(".into())
}

/// Reads `$...` at `chars[i] == '$'`; returns the part and the index after it.
fn dollar(chars: &[char], i: usize) -> Result<(Part, usize), String> {
    match chars.get(i + 1) {
        Some('(') => {
            let end = matching_paren(chars, i + 2)?;
            Ok((Part::Subst(chars[i + 2..end].iter().collect()), end + 1))
        }
        Some('{') => {
            let end = chars[i + 2..]
                .iter()
                .position(|c| *c == '}')
                .map(|p| p + i + 2)
                .ok_or("unclosed ${")?;
            let inner: String = chars[i + 2..end].iter().collect();
            let part = match inner.split_once(":-") {
                Some((name, default)) => Part::Var(name.to_string(), Some(default.to_string())),
                None => Part::Var(inner, None),
            };
            Ok((part, end + 1))
        }
        Some(c) if c.is_ascii_alphabetic() || *c == '_' => {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            Ok((Part::Var(chars[i + 1..j].iter().collect(), None), j))
        }
        _ => Ok((Part::Lit("$".into()), i + 1)),
    }
}

/// Splits a shell command line into simple commands of words (quotes, `$VAR`, `$(...)`,
/// `|`, `;`, `&&`, `||`, comments). Enough shell for documentation, no more.
fn lex(line: &str) -> Result<Vec<Simple>, String> {
    let chars: Vec<char> = line.chars().collect();
    let mut commands = vec![];
    let mut words: Vec<Word> = vec![];
    let mut word: Word = vec![];
    let mut in_word = false;
    let mut i = 0;
    let lit = |word: &mut Word, c: char| match word.last_mut() {
        Some(Part::Lit(s)) => s.push(c),
        _ => word.push(Part::Lit(c.to_string())),
    };
    macro_rules! end_word {
        () => {
            if in_word {
                words.push(std::mem::take(&mut word));
                in_word = false;
            }
        };
    }
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' => {
                end_word!();
                i += 1;
            }
            '#' if !in_word => break,
            '|' | ';' | '&' => {
                end_word!();
                let pipe = c == '|' && chars.get(i + 1) != Some(&'|');
                i += if chars.get(i + 1) == Some(&c) { 2 } else { 1 };
                commands.push(Simple {
                    words: std::mem::take(&mut words),
                    pipe_to_next: pipe,
                });
            }
            '>' | '<' => {
                end_word!();
                i += 1;
            }
            '\'' => {
                in_word = true;
                let end = chars[i + 1..]
                    .iter()
                    .position(|c| *c == '\'')
                    .map(|p| p + i + 1)
                    .ok_or("unclosed single quote")?;
                word.push(Part::Lit(chars[i + 1..end].iter().collect()));
                i = end + 1;
            }
            '"' => {
                in_word = true;
                i += 1;
                word.push(Part::Lit(String::new()));
                loop {
                    match chars.get(i) {
                        None => return Err("unclosed double quote".into()),
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some('\\') if matches!(chars.get(i + 1), Some('"' | '\\' | '$' | '`')) => {
                            lit(&mut word, chars[i + 1]);
                            i += 2;
                        }
                        Some('$') => {
                            let (part, next) = dollar(&chars, i)?;
                            word.push(part);
                            i = next;
                        }
                        Some('`') => {
                            let end = chars[i + 1..]
                                .iter()
                                .position(|c| *c == '`')
                                .map(|p| p + i + 1)
                                .ok_or("unclosed backquote")?;
                            word.push(Part::Subst(chars[i + 1..end].iter().collect()));
                            i = end + 1;
                        }
                        Some(c) => {
                            lit(&mut word, *c);
                            i += 1;
                        }
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(next) = chars.get(i + 1) {
                    lit(&mut word, *next);
                }
                i += 2;
            }
            '$' => {
                in_word = true;
                let (part, next) = dollar(&chars, i)?;
                word.push(part);
                i = next;
            }
            '`' => {
                in_word = true;
                let end = chars[i + 1..]
                    .iter()
                    .position(|c| *c == '`')
                    .map(|p| p + i + 1)
                    .ok_or("unclosed backquote")?;
                word.push(Part::Subst(chars[i + 1..end].iter().collect()));
                i = end + 1;
            }
            c => {
                in_word = true;
                lit(&mut word, c);
                i += 1;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    commands.push(Simple {
        words,
        pipe_to_next: false,
    });
    Ok(commands
        .into_iter()
        .filter(|c| !c.words.is_empty())
        .collect())
}

/// The variables a document assigns (`HUB=cosmos1...`), with samples for the rest.
struct Shell<'a> {
    samples: &'a Samples,
    vars: BTreeMap<String, String>,
}

impl Shell<'_> {
    fn var(&self, name: &str, default: &Option<String>) -> String {
        match (self.vars.get(name), default) {
            (Some(v), _) => v.clone(),
            (None, Some(d)) => d.clone(),
            (None, None) => self.samples.for_variable(name),
        }
    }

    fn word(&self, word: &Word) -> Result<String, String> {
        let mut out = String::new();
        for part in word {
            match part {
                Part::Lit(s) => out.push_str(s),
                Part::Var(name, default) => out.push_str(&self.var(name, default)),
                Part::Subst(inner) => {
                    out.push_str(self.substitution(inner)?.trim_end_matches('\n'))
                }
            }
        }
        Ok(out)
    }

    /// Evaluates the command substitutions documentation uses to build messages:
    /// `echo [-n] ..`, `printf '%s' ..`, a pipe into `base64 [-w0]` and `tr -d '\n'`.
    fn substitution(&self, inner: &str) -> Result<String, String> {
        let mut output: Option<String> = None;
        for simple in lex(inner)? {
            let words = simple
                .words
                .iter()
                .map(|w| self.word(w))
                .collect::<Result<Vec<_>, _>>()?;
            let args: Vec<&str> = words.iter().map(String::as_str).collect();
            output = Some(match args.as_slice() {
                ["echo", "-n", rest @ ..] => rest.join(" "),
                ["echo", rest @ ..] => format!("{}\n", rest.join(" ")),
                ["printf", "%s", rest @ ..] => rest.concat(),
                ["base64", flags @ ..]
                    if flags
                        .iter()
                        .all(|f| ["-w0", "-w", "0", "--wrap=0"].contains(f)) =>
                {
                    let input = output.take().ok_or("base64 without input")?;
                    Binary::new(input.into_bytes()).to_base64()
                }
                // `| tr -d '\n'`: the portable way to unwrap base64 output
                ["tr", "-d", "\n"] | ["tr", "-d", "\\n"] => {
                    let input = output.take().ok_or("tr without input")?;
                    input.replace('\n', "")
                }
                _ => return Err(format!("cannot evaluate $({inner}) in a test")),
            });
            if !simple.pipe_to_next {
                break;
            }
        }
        output.ok_or_else(|| format!("cannot evaluate $({inner})"))
    }

    /// Records `NAME=value` / `export NAME=value` assignments the document makes.
    fn assign(&mut self, simple: &Simple) {
        let mut words = simple.words.iter();
        let mut first = words.next();
        if let Some([Part::Lit(s)]) = first.map(Vec::as_slice) {
            if s == "export" {
                first = words.next();
            }
        }
        let Some(word) = first else { return };
        let Some(Part::Lit(head)) = word.first() else {
            return;
        };
        let Some((name, value_head)) = head.split_once('=') else {
            return;
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return;
        }
        let mut value_word = vec![Part::Lit(value_head.to_string())];
        value_word.extend(word[1..].iter().cloned());
        // Values the test cannot compute (a query's output) keep their sample.
        if let Ok(value) = self.word(&value_word) {
            if !value.is_empty() && !value.contains("cosmos1...") {
                self.vars.insert(name.to_string(), value);
            }
        }
    }
}

/// The wasm command a simple command runs, if any: what its JSON argument must be and at
/// which position (counting arguments after the subcommand, flags excluded).
fn wasm_command(words: &[Option<String>]) -> Option<(usize, Expect, usize)> {
    let lit = |i: usize| words.get(i).and_then(|w| w.as_deref());
    for i in 0..words.len() {
        match (lit(i), lit(i + 1), lit(i + 2)) {
            (Some("tx"), Some("wasm"), Some(sub)) => {
                let found = match sub {
                    "execute" => Some((Expect::Execute, 1)),
                    "instantiate" | "instantiate2" => Some((Expect::Instantiate, 1)),
                    "migrate" => Some((Expect::Migrate, 2)),
                    "submit-proposal" => match lit(i + 3) {
                        Some("instantiate-contract" | "instantiate-contract-2") => {
                            return Some((i + 4, Expect::Instantiate, 1))
                        }
                        Some("store-instantiate") => return Some((i + 4, Expect::Instantiate, 1)),
                        Some("execute-contract") => return Some((i + 4, Expect::Execute, 1)),
                        Some("migrate-contract") => return Some((i + 4, Expect::Migrate, 2)),
                        _ => None,
                    },
                    _ => None,
                };
                if let Some((expect, position)) = found {
                    return Some((i + 3, expect, position));
                }
            }
            (Some("query" | "q"), Some("wasm"), Some("contract-state" | "state" | "cs" | "s"))
                if lit(i + 3) == Some("smart") =>
            {
                return Some((i + 4, Expect::Query, 1));
            }
            _ => {}
        }
    }
    None
}

/// Checks one simple command; `None` when it runs no wasm command with a message.
fn check_command(shell: &Shell, simple: &Simple) -> Option<(Result<String, String>, String)> {
    let literal: Vec<Option<String>> = simple
        .words
        .iter()
        .map(|w| match w.as_slice() {
            [Part::Lit(s)] => Some(s.clone()),
            _ => None,
        })
        .collect();
    let (args_start, expect, position) = wasm_command(&literal)?;
    let mut positional = vec![];
    let mut flags = vec![];
    for word in &simple.words[args_start..] {
        match word.as_slice() {
            [Part::Lit(s)] if s.starts_with('-') => flags.push(s.clone()),
            _ => positional.push(word),
        }
    }
    Some(
        match command_json(shell, expect, position, &positional, &flags) {
            Ok((label, json)) => (Ok(label), json),
            Err(e) => (Err(e), String::new()),
        },
    )
}

/// Resolves and checks the JSON argument of a wasm command.
fn command_json(
    shell: &Shell,
    expect: Expect,
    position: usize,
    positional: &[&Word],
    flags: &[String],
) -> Result<(String, String), String> {
    let word = positional
        .get(position)
        .ok_or_else(|| format!("no argument {} (the JSON message)", position + 1))?;
    let json = shell.samples.fill(&shell.word(word)?);
    if !json.trim_start().starts_with('{') {
        return Err(format!(
            "argument {} should be the JSON message, got {json:?}",
            position + 1
        ));
    }
    let has_amount = flags
        .iter()
        .any(|f| f == "--amount" || f.starts_with("--amount="));
    match expect {
        Expect::Execute => {
            let value = parse!(Value, &json).map_err(|e| format!("not JSON: {e}"))?;
            if value.get("send").is_some() {
                return check_cw20_send(&json).map(|l| (l, json));
            }
            let label = check_message(&json, expect)?;
            let name = message_name(&value);
            match (PAYABLE.contains(&name.as_str()), has_amount) {
                (true, false) => Err(format!("`{name}` needs funds: add --amount")),
                (false, true) => Err(format!("`{name}` refuses funds: drop --amount")),
                _ => Ok((label, json)),
            }
        }
        Expect::Instantiate if has_amount => Err("instantiate refuses funds: drop --amount".into()),
        _ => check_message(&json, expect).map(|l| (l, json)),
    }
}

/// Joins continuation lines and returns the commands of a shell block with their line
/// numbers, plus the bodies of heredocs.
enum ShellItem {
    Command(usize, String),
    Heredoc(usize, String),
}

fn shell_items(fence: &Fence, samples: &Samples) -> Vec<ShellItem> {
    let mut items = vec![];
    let mut lines = fence.lines.iter().enumerate();
    while let Some((i, line)) = lines.next() {
        let line_no = fence.first_line + i;
        let mut command = line.trim_end().to_string();
        while command.ends_with('\\') {
            command.pop();
            match lines.next() {
                Some((_, next)) => {
                    command.push(' ');
                    command.push_str(next.trim());
                }
                None => break,
            }
        }
        let trimmed = command.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(pos) = command.find("<<") {
            let spec = command[pos + 2..].trim_start_matches('-').trim_start();
            let quoted = spec.starts_with(['\'', '"']);
            let delimiter: String = spec
                .trim_start_matches(['\'', '"'])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !delimiter.is_empty() {
                let mut body = String::new();
                for (_, next) in lines.by_ref() {
                    if next.trim() == delimiter {
                        break;
                    }
                    body.push_str(next);
                    body.push('\n');
                }
                if !quoted {
                    let shell = Shell {
                        samples,
                        vars: BTreeMap::new(),
                    };
                    body = expand_variables(&shell, &body);
                }
                items.push(ShellItem::Command(line_no, command[..pos].to_string()));
                items.push(ShellItem::Heredoc(line_no + 1, body));
                continue;
            }
        }
        items.push(ShellItem::Command(line_no, command));
    }
    items
}

/// `$NAME` / `${NAME}` in an unquoted heredoc.
fn expand_variables(shell: &Shell, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '$' {
            if let Ok((Part::Var(name, default), next)) = dollar(&chars, i) {
                out.push_str(&shell.var(&name, &default));
                i = next;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

// ------------------------------------------------------------------------- driver

fn check_document(file: &str, text: &str, samples: &Samples) -> Vec<Outcome> {
    let mut outcomes = vec![];
    let mut shell = Shell {
        samples,
        vars: BTreeMap::new(),
    };
    for fence in fences(text) {
        match fence.lang.as_str() {
            "json" => {
                let json = fence.lines.join("\n");
                outcomes.push(Outcome {
                    file: file.to_string(),
                    line: fence.first_line,
                    result: check_json_block(&samples.fill(&json)),
                    source: json,
                });
            }
            "sh" | "bash" | "shell" | "console" | "zsh" => {
                for item in shell_items(&fence, samples) {
                    match item {
                        ShellItem::Heredoc(line, body) => {
                            if body.trim_start().starts_with('{') {
                                outcomes.push(Outcome {
                                    file: file.to_string(),
                                    line,
                                    result: check_json_block(&samples.fill(&body)),
                                    source: body,
                                });
                            }
                        }
                        ShellItem::Command(line, command) => {
                            let command = command.trim_start().trim_start_matches("$ ").to_string();
                            let simples = match lex(&command) {
                                Ok(s) => s,
                                Err(e) => {
                                    if command.contains(" wasm ") {
                                        outcomes.push(Outcome {
                                            file: file.to_string(),
                                            line,
                                            result: Err(format!("cannot read the command: {e}")),
                                            source: command,
                                        });
                                    }
                                    continue;
                                }
                            };
                            check_simples(
                                &mut shell,
                                &simples,
                                file,
                                line,
                                &command,
                                &mut outcomes,
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }
    outcomes
}

/// Checks the simple commands of one line, and the commands inside its `$(...)`.
fn check_simples(
    shell: &mut Shell,
    simples: &[Simple],
    file: &str,
    line: usize,
    command: &str,
    outcomes: &mut Vec<Outcome>,
) {
    for simple in simples {
        for word in &simple.words {
            for part in word {
                if let Part::Subst(inner) = part {
                    if let Ok(inner_simples) = lex(inner) {
                        check_simples(shell, &inner_simples, file, line, command, outcomes);
                    }
                }
            }
        }
        if let Some((result, _json)) = check_command(shell, simple) {
            outcomes.push(Outcome {
                file: file.to_string(),
                line,
                result,
                source: command.to_string(),
            });
        }
        shell.assign(simple);
    }
}

fn documents() -> Vec<(String, String)> {
    let root = repo_root();
    let mut files = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(root.join("docs"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".md"))
                .map(|name| format!("docs/{name}"))
                .collect()
        })
        .unwrap_or_default();
    docs.sort();
    files.extend(docs);
    for required in MUST_HAVE_EXAMPLES {
        if !files.iter().any(|f| f == required) {
            files.push(required.to_string());
        }
    }
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(root.join(&f))
                .unwrap_or_else(|e| panic!("cannot read {f}: {e}"));
            (f, text)
        })
        .collect()
}

#[test]
fn every_documented_example_parses_into_the_contracts_messages() {
    let samples = Samples::new();
    let mut report = String::new();
    let mut failures = String::new();
    let mut seen_variants: BTreeMap<String, usize> = BTreeMap::new();
    for (file, text) in documents() {
        let outcomes = check_document(&file, &text, &samples);
        let passed = outcomes.iter().filter(|o| o.result.is_ok()).count();
        let failed = outcomes.len() - passed;
        let _ = writeln!(report, "{file}: {passed} examples parsed, {failed} failed");
        for outcome in &outcomes {
            match &outcome.result {
                Ok(label) => *seen_variants.entry(label.clone()).or_default() += 1,
                Err(e) => {
                    let _ = writeln!(
                        failures,
                        "{}:{}: {e}\n    {}\n",
                        outcome.file,
                        outcome.line,
                        outcome.source.trim().replace('\n', "\n    ")
                    );
                }
            }
        }
        if MUST_HAVE_EXAMPLES.contains(&file.as_str()) && passed == 0 {
            let _ = writeln!(
                failures,
                "{file}: no example could be checked (expected wasmd commands or ```json messages)\n"
            );
        }
    }
    println!("{report}");
    println!("checked: {seen_variants:#?}");
    assert!(
        failures.is_empty(),
        "documentation examples that do not match the contract's interface:\n\n{failures}{report}"
    );
}

// ------------------------------------------------------------------------- the checker's own tests

fn check(markdown: &str) -> Vec<Result<String, String>> {
    check_document("test.md", markdown, &Samples::new())
        .into_iter()
        .map(|o| o.result)
        .collect()
}

#[test]
fn a_renamed_field_or_message_is_caught() {
    let doc = r#"
```sh
wasmd tx wasm execute $HUB '{"deposit":{"validatr":"'$VAL'"}}' --amount 1000000uatom --from alice
wasmd tx wasm execute $HUB '{"opt_inn":{"validator":"'$VAL'","service_ids":[1]}}' --from alice
wasmd query wasm contract-state smart $HUB '{"position":{"staker":"cosmos1...","validator":"'$VAL'","extra":1}}'
```

```json
{"unbonding_period": 1814400, "min_deposti": "1000"}
```
"#;
    let results = check(doc);
    assert_eq!(results.len(), 4, "{results:?}");
    assert!(results.iter().all(Result::is_err), "{results:?}");
    assert!(results[0].as_ref().unwrap_err().contains("validatr"));
    assert!(results[1].as_ref().unwrap_err().contains("opt_inn"));
    assert!(results[2].as_ref().unwrap_err().contains("extra"));
}

#[test]
fn shell_quoting_and_placeholders_are_resolved() {
    let doc = r#"
```bash
VAL=cosmosvaloper1...
wasmd tx wasm execute "$HUB" '{"deposit":{"validator":"'"$VAL"'"}}' --amount 1000000uatom --from alice
wasmd tx wasm execute ${HUB} "{\"unbond\":{\"validator\":\"$VAL\",\"amount\":\"400000\"}}" \
  --from alice --gas auto
wasmd tx wasm execute $HUB '{"slash":{"service_id":'$SERVICE_ID',"validator":"'$VAL'","fraction":"0.05","evidence":"x"}}' --from slasher
SERVICE=$(wasmd query wasm contract-state smart $HUB '{"service":{"service_id":1}}' --output json | jq .data)
wasmd tx wasm instantiate $CODE_ID '{"unbonding_period":1814400}' --label restake-hub --admin $ADMIN --from deployer
wasmd tx wasm migrate $HUB $NEW_CODE_ID '{}' --from admin
wasmd tx wasm execute $TOKEN '{"send":{"contract":"'$HUB'","amount":"1000","msg":"'$(echo -n '{"distribute_rewards":{"service_id":1}}' | base64 -w0)'"}}' --from bridge
```
"#;
    let results = check(doc);
    let labels: Vec<String> = results
        .iter()
        .map(|r| r.clone().unwrap_or_else(|e| panic!("{e}")))
        .collect();
    assert_eq!(
        labels,
        [
            "ExecuteMsg::deposit",
            "ExecuteMsg::unbond",
            "ExecuteMsg::slash",
            "QueryMsg::service",
            "InstantiateMsg",
            "MigrateMsg",
            "cw20 send + ReceiveMsg::distribute_rewards",
        ]
    );
}

#[test]
fn funds_validators_hooks_and_proposals_are_checked() {
    let doc = r#"
```sh
wasmd tx wasm execute $HUB '{"deposit":{"validator":"'$VAL'"}}' --from alice
wasmd tx wasm execute $HUB '{"claim_rewards":{}}' --amount 1uatom --from alice
wasmd tx wasm execute $HUB '{"deposit":{"validator":"cosmos1..."}}' --amount 1uatom --from alice
wasmd tx wasm execute $TOKEN '{"send":{"contract":"'$HUB'","amount":"1000","msg":"'$(echo -n '{"distribute":{"service_id":1}}' | base64 -w0)'"}}' --from bridge
```

```json
{"messages": [{"@type": "/cosmwasm.wasm.v1.MsgInstantiateContract", "sender": "cosmos1...",
  "admin": "cosmos1...", "code_id": "1", "label": "restake-hub", "funds": [],
  "msg": {"unbonding_period": 1814400, "slash_destination": {"community_pol": {}}}}],
 "title": "t", "summary": "s", "deposit": "1uatom"}
```

```json
{"messages": [{"@type": "/cosmwasm.wasm.v1.MsgStoreCode", "sender": "cosmos1...", "wasm_byte_code": "AGFzbQ=="},
  {"@type": "/cosmwasm.wasm.v1.MsgMigrateContract", "sender": "cosmos1...", "contract": "cosmos1...", "code_id": "2", "msg": {}}],
 "title": "t", "summary": "s", "deposit": "1uatom"}
```
"#;
    let results = check(doc);
    assert_eq!(results.len(), 6, "{results:?}");
    assert!(results[0].as_ref().unwrap_err().contains("needs funds"));
    assert!(results[1].as_ref().unwrap_err().contains("refuses funds"));
    assert!(results[2]
        .as_ref()
        .unwrap_err()
        .contains("validator operator"));
    assert!(results[3].as_ref().unwrap_err().contains("ReceiveMsg"));
    assert!(results[4].as_ref().unwrap_err().contains("community_pol"));
    assert_eq!(
        results[5].as_deref(),
        Ok("proposal [MsgStoreCode, MsgMigrateContract(MigrateMsg)]")
    );
}
