//! `docs/interface.md`: every message, query and type of the hub's JSON interface with its
//! doc comments and fields, generated from the same API file as `schema/restake-hub.json`
//! (`restake schema --markdown docs/interface.md`). `scripts/test.sh` regenerates it and
//! fails when the committed file differs, so the document cannot drift from the schema.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value;

/// The interface of an API file (`schema/restake-hub.json`'s JSON) as Markdown.
pub fn markdown(api: &Value) -> String {
    let mut defs: BTreeMap<String, Value> = BTreeMap::new();
    let collect = |defs: &mut BTreeMap<String, Value>, schema: &Value| {
        if let Some(d) = schema.get("definitions").and_then(Value::as_object) {
            for (k, v) in d {
                defs.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    };
    for key in ["instantiate", "execute", "query", "migrate", "sudo"] {
        collect(&mut defs, &api[key]);
    }
    let responses = api["responses"].as_object().cloned().unwrap_or_default();
    for r in responses.values() {
        collect(&mut defs, r);
        if let Some(title) = r.get("title").and_then(Value::as_str) {
            if r.get("properties").is_some() || r.get("oneOf").is_some() {
                let mut own = r.clone();
                if let Some(o) = own.as_object_mut() {
                    for k in ["$schema", "definitions", "title"] {
                        o.remove(k);
                    }
                }
                defs.entry(title.to_string()).or_insert(own);
            }
        }
    }

    let name = api["contract_name"].as_str().unwrap_or("contract");
    let version = api["contract_version"].as_str().unwrap_or("?");
    let mut out = String::new();
    let _ = writeln!(out, "# {name} interface ({version})\n");
    let _ = writeln!(
        out,
        "Every message and query the contract accepts, with the doc comments of \
         `packages/restake-types` and each field's JSON type. Generated from \
         [`schema/{name}.json`](../schema/{name}.json) by `cargo run -p restake-cli -- schema \
         --markdown docs/interface.md`; `scripts/test.sh` fails when this file is stale, so \
         change the Rust types, not this file.\n"
    );
    let _ = writeln!(
        out,
        "Amounts (`Uint128`) and fractions (`Decimal`) are JSON strings; ids, counts and \
         durations in seconds are JSON numbers. A field marked optional may be left out (or be \
         `null`).\n"
    );
    let _ = writeln!(
        out,
        "- [Instantiate](#instantiate)\n- [Execute messages](#execute-messages)\n- \
         [Queries](#queries)\n- [Migrate](#migrate)\n- [Types](#types)\n"
    );

    out.push_str("## Instantiate\n\n");
    object_section(&mut out, &api["instantiate"], "");

    out.push_str("## Execute messages\n\n");
    variants(&mut out, &api["execute"], None);

    out.push_str("## Queries\n\n");
    variants(&mut out, &api["query"], Some(&responses));

    out.push_str("## Migrate\n\n");
    if api["migrate"].is_object() {
        object_section(&mut out, &api["migrate"], "");
    } else {
        out.push_str("No migrate message.\n\n");
    }

    out.push_str("## Types\n\nTypes the messages, queries and responses above refer to.\n\n");
    for (name, schema) in &defs {
        let _ = writeln!(out, "### `{name}`\n");
        object_section(&mut out, schema, "");
    }
    out.trim_end().to_string() + "\n"
}

/// The variants of an enum message (`ExecuteMsg`, `QueryMsg`), one section each; queries
/// name their response type.
fn variants(out: &mut String, schema: &Value, responses: Option<&serde_json::Map<String, Value>>) {
    for v in list(&schema["oneOf"]) {
        // A bare string variant: `"accept_ownership"`.
        for name in list(&v["enum"]).iter().filter_map(|n| n.as_str()) {
            let _ = writeln!(out, "### `{name}`\n");
            text(out, &v);
            let _ = writeln!(out, "```json\n\"{name}\"\n```\n");
        }
        let Some(props) = v["properties"].as_object() else {
            continue;
        };
        for (name, body) in props {
            let _ = writeln!(out, "### `{name}`\n");
            text(out, &v);
            if let Some(r) = responses.and_then(|r| r.get(name)) {
                let title = r["title"].as_str().unwrap_or("?");
                let _ = writeln!(out, "Returns [`{title}`](#{}).\n", anchor(title));
            }
            if body.get("properties").is_some() || body.get("$ref").is_some() {
                object_section(out, body, name);
            } else if no_fields(body) {
                let _ = writeln!(out, "No fields: `{{\"{name}\": {{}}}}`.\n");
            } else {
                let _ = writeln!(out, "Value: {}.\n", type_of(body));
            }
        }
    }
}

/// A type's doc comment and its fields (an object), variants (an enum) or shape.
fn object_section(out: &mut String, schema: &Value, msg: &str) {
    if !msg.is_empty() {
        if let Some(r) = schema["$ref"].as_str() {
            let name = ref_name(r);
            let _ = writeln!(out, "Fields: [`{name}`](#{}).\n", anchor(name));
            return;
        }
    } else {
        text(out, schema);
    }
    if let Some(props) = schema["properties"].as_object() {
        if props.is_empty() {
            let example = if msg.is_empty() {
                "{}".to_string()
            } else {
                format!("{{\"{msg}\": {{}}}}")
            };
            let _ = writeln!(out, "No fields: `{example}`.\n");
            return;
        }
        let required_list = list(&schema["required"]);
        let required: Vec<&str> = required_list.iter().filter_map(|r| r.as_str()).collect();
        out.push_str("| field | JSON type | required | description |\n|---|---|---|---|\n");
        for (field, fs) in props {
            let optional = !required.contains(&field.as_str()) || nullable(fs);
            let _ = writeln!(
                out,
                "| `{field}` | {} | {} | {} |",
                type_of(fs),
                if optional { "optional" } else { "yes" },
                cell(&doc(fs))
            );
        }
        out.push('\n');
        return;
    }
    if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
        out.push_str("One of:\n\n");
        let alts = if schema.get("oneOf").is_some() {
            list(&schema["oneOf"])
        } else {
            list(&schema["anyOf"])
        };
        for v in alts {
            let d = doc(&v);
            let d = if d.is_empty() {
                String::new()
            } else {
                format!(": {}", one_line(&d))
            };
            if let Some(vals) = v["enum"].as_array() {
                let names: Vec<String> = vals.iter().map(|x| format!("`{x}`")).collect();
                let _ = writeln!(out, "- {}{d}", names.join(", "));
            } else if let Some(props) = v["properties"].as_object() {
                for (name, inner) in props {
                    let _ = writeln!(
                        out,
                        "- `{{\"{name}\": …}}` with {}{d}",
                        fields_inline(inner)
                    );
                }
            } else {
                let _ = writeln!(out, "- {}{d}", type_of(&v));
            }
        }
        out.push('\n');
        return;
    }
    if let Some(vals) = schema["enum"].as_array() {
        let names: Vec<String> = vals.iter().map(|x| format!("`{x}`")).collect();
        let _ = writeln!(out, "One of {}.\n", names.join(", "));
        return;
    }
    if no_fields(schema) {
        let _ = writeln!(out, "No fields: `{{}}`.\n");
        return;
    }
    let _ = writeln!(out, "A JSON {}.\n", type_of(schema));
}

/// An object schema without properties: `{}`.
fn no_fields(s: &Value) -> bool {
    s["type"] == "object"
        && s.get("properties").is_none()
        && !s.get("additionalProperties").is_some_and(Value::is_object)
}

/// `validator` (string), `amount` (Uint128): the fields of a variant's body, inline.
fn fields_inline(schema: &Value) -> String {
    if let Some(r) = schema["$ref"].as_str() {
        let name = ref_name(r);
        return format!("[`{name}`](#{})", anchor(name));
    }
    let Some(props) = schema["properties"].as_object() else {
        return type_of(schema);
    };
    if props.is_empty() {
        return "no fields".into();
    }
    props
        .iter()
        .map(|(k, v)| format!("`{k}` ({})", type_of(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A schema's type in a few words, linking named types to their section.
fn type_of(s: &Value) -> String {
    if let Some(r) = s["$ref"].as_str() {
        let name = ref_name(r);
        return format!("[`{name}`](#{})", anchor(name));
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(alts) = s[key].as_array() {
            let parts: Vec<String> = alts
                .iter()
                .filter(|a| a["type"] != "null")
                .map(type_of)
                .collect();
            let mut t = parts.join(" or ");
            if alts.iter().any(|a| a["type"] == "null") {
                t.push_str(" or null");
            }
            return t;
        }
    }
    if let Some(vals) = s["enum"].as_array() {
        return vals
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(" or ");
    }
    let types: Vec<&str> = match &s["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let mut parts = vec![];
    for t in &types {
        parts.push(match *t {
            "array" => format!("array of {}", type_of(&s["items"])),
            "integer" => match s["format"].as_str() {
                Some(f) => format!("integer ({f})"),
                None => "integer".into(),
            },
            "object" if s.get("additionalProperties").is_some_and(Value::is_object) => {
                format!("map of {}", type_of(&s["additionalProperties"]))
            }
            other => other.to_string(),
        });
    }
    if parts.is_empty() {
        "any JSON".into()
    } else {
        parts.join(" or ")
    }
}

fn nullable(s: &Value) -> bool {
    let in_list = |v: &Value| v.as_array().is_some_and(|a| a.iter().any(|t| t == "null"));
    in_list(&s["type"])
        || list(&s["anyOf"]).iter().any(|a| a["type"] == "null")
        || list(&s["oneOf"]).iter().any(|a| a["type"] == "null")
}

/// A doc comment without the Rust examples of library types (`## Examples` and code
/// fences, which schemars folds into one line and Markdown would garble).
fn doc(s: &Value) -> String {
    let d = s["description"].as_str().unwrap_or_default();
    let mut d = match d.find("# Examples") {
        Some(i) => d[..i].trim_end_matches('#').to_string(),
        None => d.to_string(),
    };
    while let Some(a) = d.find("```") {
        let b = d[a + 3..]
            .find("```")
            .map(|b| a + 3 + b + 3)
            .unwrap_or(d.len());
        d.replace_range(a..b, "");
    }
    d.trim().to_string()
}

/// A schema's doc comment as paragraphs.
fn text(out: &mut String, s: &Value) {
    let d = doc(s);
    if !d.is_empty() {
        let _ = writeln!(out, "{d}\n");
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A table cell: one line, pipes escaped.
fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

fn ref_name(r: &str) -> &str {
    r.rsplit('/').next().unwrap_or(r)
}

/// GitHub's anchor of a `### \`Name\`` heading.
fn anchor(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

fn list(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc_text() -> String {
        let api: Value =
            serde_json::from_str(&crate::schema::api().render().to_string().unwrap()).unwrap();
        markdown(&api)
    }

    #[test]
    fn every_message_and_query_has_a_section_with_its_doc() {
        let md = doc_text();
        for spec in crate::msg::execute_specs()
            .into_iter()
            .chain(crate::msg::query_specs())
        {
            let head = format!("### `{}`", spec.name);
            assert!(md.contains(&head), "{head} missing");
            if let Some(d) = spec.doc {
                let first = d.lines().next().unwrap_or_default().trim();
                assert!(md.contains(first), "doc of {} missing: {first}", spec.name);
            }
            for f in spec.fields.unwrap_or_default() {
                assert!(
                    md.contains(&format!("| `{}` |", f.name)),
                    "field {} of {} missing",
                    f.name,
                    spec.name
                );
            }
        }
        assert!(md.contains("Returns [`ConfigResponse`](#configresponse)."));
        assert!(md.contains("### `ConfigResponse`"));
        assert!(md.contains("| `validator` | string | yes |"));
        assert!(md.contains("No fields: `{\"claim_rewards\": {}}`."));
    }
}
